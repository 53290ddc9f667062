"""The workspace's tools as one runtime sees them: loaded once, checked by the gateway,
judged by the policies. Tools of the agents' tool servers (``kind: McpServer``) join them once
:meth:`Toolbox.prepare` has listed them, and go through the same checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from stable_harness.gateway import CheckedCall, ToolGateway, VisibleTool
from stable_harness.gateway.policy import Governance, PolicyCall, Verdict, govern
from stable_harness.runtime.admission import agent_tools, check_tool_allowed
from stable_harness.runtime.assembly import load_tool, make_policies
from stable_harness.runtime.introspect import describe_sourced, describe_tools
from stable_harness.runtime.tool_sources import ToolSources
from stable_harness.runtime.tools import LoadedTool

if TYPE_CHECKING:
    from stable_harness.workspace.model import Workspace


class Toolbox:
    """Tools, the gateway and the policies of one runtime."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        runs = workspace.runtime.runs
        self.gateway = ToolGateway(unknown_arguments=runs.unknown_arguments,
                                   blank_required_is_missing=runs.blank_required_is_missing)
        self.policies = make_policies(workspace)
        self.sources = ToolSources(workspace, self._sources_changed)
        self.changed: list[Callable[[str], None]] = []  # called with an agent's name
        self._tools: dict[str, LoadedTool] = {}
        self._visible: dict[str, dict[str, VisibleTool]] = {}

    async def prepare(self, agent: str) -> list[str]:
        """Connect ``agent``'s tool servers (once) and return the names of their tools."""
        return list(await self.sources.prepare(agent))

    def names(self, agent: str) -> list[str]:
        """Every tool ``agent`` may call: workspace tools, then its servers' (as prepared)."""
        return [*agent_tools(self.workspace, agent), *self.sources.known(agent)]

    def resolve(self, agent: str, name: str) -> LoadedTool:
        """Load tool ``name`` for ``agent`` (raises a model-readable error when not allowed)."""
        sourced = self.sources.known(agent).get(name)
        if sourced is not None:
            return sourced.loaded
        check_tool_allowed(self.workspace, agent, name, self.names(agent))
        if name not in self._tools:
            self._tools[name] = load_tool(self.workspace, name)
        return self._tools[name]

    def check(self, agent: str, name: Any, arguments: Any) -> CheckedCall:
        """The gateway's verdict on a call by ``agent`` (raises ``ToolRefusal``)."""
        visible = self._visible.get(agent)
        if visible is None:
            visible = self._visible[agent] = {
                tool: VisibleTool(tool, self.resolve(agent, tool).parameters)
                for tool in self.names(agent)}
        return self.gateway.check(name, arguments, visible)

    def govern(self, agent: str, call: CheckedCall) -> Governance:
        """What the enabled policies say about a checked call (deny wins)."""
        if not self.policies:
            return Governance(Verdict.ALLOW)
        return govern(self.policies, PolicyCall(
            agent, call.tool, call.arguments, self.tags(agent, call.tool),
            self.resolve(agent, call.tool).parameters, self.workspace.root))

    def tags(self, agent: str, name: str) -> frozenset[str]:
        """The tags of tool ``name`` as ``agent`` sees it."""
        sourced = self.sources.known(agent).get(name)
        if sourced is not None:
            return sourced.tags
        return frozenset(self.workspace.tools[name].doc.spec.tags)

    def describe(self, agent: str | None) -> list[dict[str, Any]]:
        """Every tool of the workspace, or those ``agent`` may call (its subagents' too,
        then its servers' as last prepared, each with its server)."""
        if agent is None:
            return describe_tools(self.workspace, sorted(self.workspace.tools),
                                  lambda n: load_tool(self.workspace, n))
        local = describe_tools(self.workspace, agent_tools(self.workspace, agent),
                               lambda n: self.resolve(agent, n))
        return local + [describe_sourced(t) for t in self.sources.known(agent).values()]

    async def list_tools(self, agent: str | None) -> list[dict[str, Any]]:
        """:meth:`describe`, with the servers connected: ``agent``'s, or every server."""
        if agent is not None:
            await self.prepare(agent)
            return self.describe(agent)
        out = self.describe(None)
        for server in sorted(self.workspace.of_kind("McpServer")):
            out.extend(describe_sourced(t) for t in await self.sources.list_server(server))
        return out

    def _sources_changed(self, server: str) -> None:
        """A server's tools changed: its agents see the new list from their next run on."""
        for agent in [a for a in self.workspace.agents
                      if server in dict(self.sources.servers_of(a))]:
            self._visible.pop(agent, None)
            for callback in self.changed:
                callback(agent)
