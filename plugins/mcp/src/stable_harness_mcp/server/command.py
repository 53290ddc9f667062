"""``stable-harness mcp``: the runtime as an MCP server over stdio (for desktop MCP hosts)."""

from __future__ import annotations

from typing import Annotated

import typer


def mcp(
    ctx: typer.Context,
    expose: Annotated[list[str] | None, typer.Option(
        "--agent", help="Offer only this agent as a tool; repeatable (default: the "
                        "Runtime's protocols.mcp.exposeAgents, else every agent).")] = None,
) -> None:
    """Serve the runtime over MCP on stdin/stdout until the client disconnects.

    Nothing but protocol messages is written to stdout; errors and logs go to stderr. Runs
    in flight when the client leaves are left for recovery, as after `start`."""
    import anyio
    from stable_harness.cli.output import fail
    from stable_harness.errors import StableHarnessError, WorkspaceError

    try:
        anyio.run(_serve, ctx.obj.workspace, expose)
    except WorkspaceError as exc:
        fail(f"workspace {ctx.obj.workspace} is invalid; run `stable-harness validate` for "
             f"details\n{exc}")
    except StableHarnessError as exc:
        fail(str(exc))


async def _serve(workspace: object, expose: list[str] | None) -> None:
    from stable_harness.runtime import Runtime

    from stable_harness_mcp.server.app import build_server
    from stable_harness_mcp.server.config import McpServeConfig

    runtime = await Runtime.open(workspace)  # type: ignore[arg-type]
    try:
        spec = runtime.workspace.runtime.protocols.get("mcp")
        config = McpServeConfig.model_validate(dict(spec.config) if spec else {})
        agents = expose or (spec.expose_agents if spec and spec.expose_agents else
                            config.expose_agents)
        server = build_server(runtime, agents, elicit=config.elicitation)
        await server.run_stdio_async()
    finally:
        await runtime.close()
