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
    connect: Annotated[bool, typer.Option(
        "--connect", help="Also start every MCP server and list its tools.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Validate the workspace; report every error.

    Checks YAML syntax, kinds, references between documents, plugins and their config, and
    imports every Python entrypoint of agents and tools (unless --no-import), reporting a
    missing module, an import error or a syntax error with its file and line. With
    --connect, starts every MCP server (a server that cannot start is reported with its
    command, exit code and the end of its stderr) and checks that no two tools an agent
    sees share a name.
    """
    from stable_harness.errors import WorkspaceError
    from stable_harness.workspace import load_workspace
    from stable_harness.workspace.entrypoints import check_entrypoints

    root = ctx.obj.workspace
    try:
        workspace = load_workspace(root)
        problems = [] if no_import else check_entrypoints(workspace)
        servers: dict[str, int] | None = None
        if connect and not problems:
            import asyncio

            from stable_harness.runtime.connect_check import check_connections

            problems, servers = asyncio.run(check_connections(workspace))
        if problems:
            raise WorkspaceError(problems)
    except WorkspaceError as exc:
        _report(exc, as_json)
        raise typer.Exit(1) from None
    if as_json:
        print_json({"ok": True, "workspace": str(root), "documents": workspace.counts(),
                    "warnings": workspace.warnings,
                    **({} if servers is None else {"mcpServers": servers})})
        return
    warn(workspace.warnings)
    console().print(workspace.summary(), markup=False)
    for name, count in sorted((servers or {}).items()):
        console().print(f"MCP server {name}: connected, {count} tool(s)", markup=False)


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
