"""Which workspace a command means: ``-w`` wherever it is written, else the nearest folder, from
the current one up, that holds a ``Runtime`` document (the way git finds a repository)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from typer.core import TyperGroup

from stable_harness.workspace.files import YAML_SUFFIXES  # light now that the package is lazy

WORKSPACE_FLAGS = ("-w", "--workspace")

RUNTIME_KIND = re.compile(r"^kind:\s*['\"]?Runtime['\"]?\s*(#.*)?$", re.MULTILINE)


def hoist_workspace(args: Sequence[str]) -> list[str]:
    """``args`` with every ``-w DIR`` / ``--workspace[=]DIR`` moved before the sub-command, so
    ``stable-harness start -w DIR`` means ``stable-harness -w DIR start`` (``--`` ends the
    options: nothing after it moves)."""
    front: list[str] = []
    rest: list[str] = []
    items = list(args)
    i = 0
    while i < len(items):
        arg = items[i]
        if arg == "--":
            rest.extend(items[i:])
            break
        if arg in WORKSPACE_FLAGS and i + 1 < len(items):
            front += [arg, items[i + 1]]
            i += 2
            continue
        if arg.startswith("--workspace=") or (arg.startswith("-w") and len(arg) > 2
                                               and not arg.startswith("--")):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


class WorkspaceGroup(TyperGroup):
    """The root command group: accepts ``-w`` after the sub-command too."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        return super().parse_args(ctx, hoist_workspace(args))


def holds_runtime(folder: Path) -> bool:
    """Whether a YAML file directly in ``folder`` has a ``kind: Runtime`` document."""
    try:
        files = [p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file()]
    except OSError:
        return False
    for path in files:
        try:
            if RUNTIME_KIND.search(path.read_text(encoding="utf-8", errors="replace")):
                return True
        except OSError:
            continue
    return False


def find_workspace(start: Path) -> Path | None:
    """The nearest folder from ``start`` up that holds a ``Runtime`` document."""
    start = start.resolve()
    return next((folder for folder in (start, *start.parents) if holds_runtime(folder)), None)


def no_workspace_message(start: Path) -> str:
    """What to say when no workspace is found from ``start``."""
    return (f"no workspace here: neither {start} nor a folder above it holds a Runtime "
            "document (a YAML file with `kind: Runtime`). Pass the folder with "
            "`-w DIR`, or create one with `stable-harness init DIR`.")
