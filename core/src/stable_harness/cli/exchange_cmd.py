"""``export`` and ``import``: move a run between stores as one JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stable_harness.cli.output import console, fail, print_json
from stable_harness.cli.runtime_call import with_runtime

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime


def export(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="Run id.")],
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write here instead of stdout.")] = None,
) -> None:
    """Write a run, its session, events, approvals, artifacts and tool calls as JSON."""

    async def body(rt: Runtime) -> dict[str, Any]:
        return await rt.export_run(run_id)

    document = with_runtime(ctx.obj.workspace, body)
    if output is None:
        print_json(document)
    else:
        output.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file written by `export` (`-` for stdin).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Import an exported run. A malformed file or a run id already stored changes nothing."""
    import sys

    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}", as_json=as_json)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{file}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
             as_json=as_json)

    async def body(rt: Runtime) -> dict[str, Any]:
        return (await rt.import_run(data)).to_dict()

    run = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json({"ok": True, "run": run})
    else:
        console().print(f"imported run {run['runId']} ({run['status']}, "
                        f"{run['lastSeq']} events)", markup=False)
