"""Registration of the ``mcp`` tool source, the ``mcp`` surface (served at ``/mcp`` on the
native HTTP surface) and the ``stable-harness mcp`` command. Nothing heavy is imported here:
the SDK loads when a connection or a server is made."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from stable_harness.hookspecs import hookimpl
from stable_harness.records import SurfaceRecord, ToolSourceRecord

if TYPE_CHECKING:
    import typer


@hookimpl
def stable_harness_register_tool_sources() -> Sequence[ToolSourceRecord]:
    return [ToolSourceRecord(
        name="mcp",
        factory="stable_harness_mcp.client.source:McpToolSource",
        summary="MCP servers (stdio, streamable HTTP, SSE) as tool sources, every call "
                "through the gateway (official mcp SDK)",
    )]


@hookimpl
def stable_harness_register_surfaces() -> Sequence[SurfaceRecord]:
    return [SurfaceRecord(
        name="mcp",
        factory="stable_harness_mcp.server.surface:McpSurface",
        summary="the runtime as an MCP server: streamable HTTP at /mcp on the native HTTP "
                "surface (stdio: `stable-harness mcp`)",
        config_model="stable_harness_mcp.server.config:McpServeConfig",
        enabled_by_default=True,
        mounted_on="http",
        mount_path="/mcp",
    )]


@hookimpl
def stable_harness_add_commands(app: typer.Typer) -> None:
    from stable_harness_mcp.server.command import mcp

    app.command("mcp")(mcp)
