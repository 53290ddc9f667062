"""Import every Python entrypoint a workspace names, so ``validate`` finds a missing module, an
import error or a syntax error before ``run`` does; each problem names the YAML field and the
Python file and line that failed."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stable_harness.workspace.diagnostics import Diagnostic
from stable_harness.workspace.model import Entry, Workspace

#: ``Agent.spec`` fields that hold a ``module:attr`` import path.
AGENT_IMPORT_FIELDS = ("entrypoint", "graph")


def entrypoint_fields(ws: Workspace) -> Iterator[tuple[Entry[Any], str, str]]:
    """``(entry, field, module:attr)`` for every import path of the workspace."""
    for agent in ws.agents.values():
        for name in AGENT_IMPORT_FIELDS:
            value = getattr(agent.doc.spec, name, None)
            if isinstance(value, str) and ":" in value:
                yield agent, name, value
    for tool in ws.tools.values():
        spec = tool.doc.spec
        if spec.registry == "python" and spec.entrypoint:
            yield tool, "entrypoint", spec.entrypoint


def check_entrypoints(ws: Workspace) -> list[Diagnostic]:
    """One diagnostic per entrypoint that does not import."""
    from stable_harness.builtin.python_tools import import_object

    out = []
    for entry, field, value in entrypoint_fields(ws):
        try:
            import_object(value, ws.root)
        except Exception as exc:  # every import failure is the user's to see, with its place
            cause = exc.__cause__ if exc.__cause__ is not None else exc
            out.append(Diagnostic(
                "entrypoint-import", f"{value!r} does not import: {_describe(cause, ws.root)}",
                entry.source.file, entry.source.line_of(("spec", field)), entry.subject,
                f"spec.{field}", "fix the module, or run `validate --no-import` to skip this"))
    return out


def _describe(exc: BaseException, root: Path) -> str:
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg} ({_where(exc.filename, exc.lineno, root)})"
    # the innermost frame in the workspace's own files is where the user's code failed
    mine = [f for f in traceback.extract_tb(exc.__traceback__) if _inside(f.filename, root)]
    where = f" ({_where(mine[-1].filename, mine[-1].lineno, root)})" if mine else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _inside(filename: str | None, root: Path) -> bool:
    return filename is not None and Path(filename).resolve().is_relative_to(root.resolve())


def _where(filename: str | None, line: int | None, root: Path) -> str:
    if not filename:
        return "unknown file"
    path = Path(filename)
    shown = path.resolve().relative_to(root.resolve()) if _inside(filename, root) else path
    return f"{shown}:{line}" if line else str(shown)
