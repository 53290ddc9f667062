"""``validate --connect``: start every tool server the workspace declares and list its
tools, as a run would; then list each agent's, which finds a name two servers (or a server
and a workspace tool) share. Each failure is a diagnostic at the document that caused it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stable_harness.runtime.tool_sources import ToolServerError, ToolSources
from stable_harness.workspace.diagnostics import Diagnostic

if TYPE_CHECKING:
    from stable_harness.workspace.model import Workspace


async def check_connections(workspace: Workspace) -> tuple[list[Diagnostic], dict[str, int]]:
    """Problems found, and the number of tools of each server that answered."""
    sources = ToolSources(workspace, lambda server: None)
    problems: list[Diagnostic] = []
    counts: dict[str, int] = {}
    try:
        for name, entry in sorted(workspace.of_kind("McpServer").items()):
            try:
                counts[name] = len(await sources.list_server(name))
            except ToolServerError as exc:
                problems.append(Diagnostic("connect-failed", str(exc), entry.source.file,
                                           entry.source.line_of(("spec",)), entry.subject,
                                           "spec"))
        for agent, entry in sorted(workspace.agents.items()):
            if not entry.doc.spec.mcp_servers or any(
                    use.server not in counts for use in entry.doc.spec.mcp_servers):
                continue  # already reported at the server
            try:
                await sources.prepare(agent)
            except ToolServerError as exc:
                problems.append(Diagnostic(
                    "tool-name-clash", str(exc), entry.source.file,
                    entry.source.line_of(("spec", "mcpServers")), entry.subject,
                    "spec.mcpServers"))
    finally:
        await sources.close()
    return problems, counts
