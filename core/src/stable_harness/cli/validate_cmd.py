"""``stable-harness validate``: check the whole workspace and report every error."""

from __future__ import annotations

from typing import Annotated

import typer

from stable_harness.cli.output import console, print_json, warn


def validate(
    ctx: typer.Context,
    no_import: Annotated[bool, typer.Option(
        "--no-import", help="Do not import the Python entrypoints of agents and tools.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Validate the workspace; report every error.

    Checks YAML syntax, kinds, references between documents, plugins and their config, and
    imports every Python entrypoint of agents and tools (unless --no-import), reporting a
    missing module, an import error or a syntax error with its file and line.
    """
    from stable_harness.errors import WorkspaceError
    from stable_harness.workspace import load_workspace
    from stable_harness.workspace.entrypoints import check_entrypoints

    root = ctx.obj.workspace
    try:
        workspace = load_workspace(root)
        problems = [] if no_import else check_entrypoints(workspace)
        if problems:
            raise WorkspaceError(problems)
    except WorkspaceError as exc:
        _report(exc, as_json)
        raise typer.Exit(1) from None
    if as_json:
        print_json({"ok": True, "workspace": str(root), "documents": workspace.counts(),
                    "warnings": workspace.warnings})
        return
    warn(workspace.warnings)
    console().print(workspace.summary(), markup=False)


def _report(exc: object, as_json: bool) -> None:
    from rich.text import Text

    from stable_harness.errors import WorkspaceError

    assert isinstance(exc, WorkspaceError)
    if as_json:
        print_json({"ok": False, "errors": [d.to_dict() for d in exc.diagnostics]})
        return
    err = console(stderr=True)
    for diag in exc.diagnostics:
        line = Text()
        if diag.location():
            line.append(diag.location(), style="bold")
            line.append(": ")
        line.append(diag.message, style="red")
        if diag.hint:
            line.append(f"; {diag.hint}", style="dim")
        err.print(line)
    count = len(exc.diagnostics)
    err.print(Text(f"{count} error{'s' if count != 1 else ''}", style="bold red"))
