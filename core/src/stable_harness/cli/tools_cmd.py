"""``tool list`` and ``tool call``: the workspace's tools, and one call through the gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from stable_harness.cli.event_view import EventPrinter
from stable_harness.cli.output import console, counted, print_json
from stable_harness.cli.runtime_call import with_runtime

if TYPE_CHECKING:
    from stable_harness.runs import Run
    from stable_harness.runtime import Runtime

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
AgentOpt = Annotated[str | None, typer.Option(
    "--agent", "-a", help="Whose tools (default: the default agent; `list`: all tools).")]


def list_tools(ctx: typer.Context, agent: AgentOpt = None, as_json: JsonOpt = False) -> None:
    """Tools of the workspace (or those an agent may call): registry, tags, arguments.

    MCP servers are connected to list theirs (registry `mcp:SERVER`); one that cannot be
    reached is an error naming it."""

    async def body(rt: Runtime) -> list[dict[str, Any]]:
        return await rt.list_tools(agent)

    rows = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table(title=counted(len(rows), "tool"))
    for column in ("name", "registry", "tags", "arguments", "description"):
        table.add_column(column)
    for row in rows:
        props = row["parameters"].get("properties", {})
        required = set(row["parameters"].get("required", []))
        args = ", ".join(f"{k}{'' if k in required else '?'}: {v.get('type', 'any')}"
                         for k, v in props.items())
        registry = row["registry"] + (f":{row['server']}" if row.get("server") else "")
        table.add_row(row["name"], registry, ", ".join(row["tags"]), args, row["description"])
    console().print(table)


def call_tool(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Tool name (a near miss is repaired or refused).")],
    args: Annotated[str, typer.Option("--args", help="Arguments: a JSON object.")] = "{}",
    agent: AgentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run one tool call through the full gateway and show the decision trail.

    The call is a run (stored, with its events): repairs show as `tool.repaired`, the execution
    as `tool.started` / `tool.completed`. A refused call stores nothing and says why.
    Exit status: 0 completed, 1 refused or failed.
    """
    from stable_harness.cli.event_view import exit_code
    from stable_harness.cli.runs_cmd import follow

    arguments = args  # raw: the gateway parses it (and repairs near-miss JSON, with a note)
    printer = EventPrinter(as_json, None if as_json else console())

    async def body(rt: Runtime) -> Run:
        from stable_harness.runs import RunRequest, ToolCallRequest

        started = await rt.start(RunRequest(None, agent,
                                            tool_call=ToolCallRequest(name, arguments)))
        return await follow(rt, started.id, printer)

    result = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    printer.summary(result)
    raise typer.Exit(exit_code(result))
