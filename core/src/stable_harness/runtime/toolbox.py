"""The workspace's tools as one runtime sees them: loaded once, checked by the gateway,
judged by the policies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stable_harness.gateway import CheckedCall, ToolGateway, VisibleTool
from stable_harness.gateway.policy import Governance, PolicyCall, Verdict, govern
from stable_harness.runtime.admission import agent_tools, check_tool_allowed
from stable_harness.runtime.assembly import load_tool, make_policies
from stable_harness.runtime.introspect import describe_tools
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
        self._tools: dict[str, LoadedTool] = {}
        self._visible: dict[str, dict[str, VisibleTool]] = {}

    def resolve(self, agent: str, name: str) -> LoadedTool:
        """Load tool ``name`` for ``agent`` (raises a model-readable error when not allowed)."""
        check_tool_allowed(self.workspace, agent, name)
        if name not in self._tools:
            self._tools[name] = load_tool(self.workspace, name)
        return self._tools[name]

    def check(self, agent: str, name: Any, arguments: Any) -> CheckedCall:
        """The tool gateway's verdict on a call by ``agent`` (raises ``ToolRefusal``)."""
        visible = self._visible.get(agent)
        if visible is None:
            visible = self._visible[agent] = {
                tool: VisibleTool(tool, self.resolve(agent, tool).parameters)
                for tool in agent_tools(self.workspace, agent)}
        return self.gateway.check(name, arguments, visible)

    def govern(self, agent: str, call: CheckedCall) -> Governance:
        """What the enabled policies say about a checked call (deny wins)."""
        if not self.policies:
            return Governance(Verdict.ALLOW)
        spec = self.workspace.tools[call.tool].doc.spec
        return govern(self.policies, PolicyCall(
            agent, call.tool, call.arguments, frozenset(spec.tags),
            self.resolve(agent, call.tool).parameters, self.workspace.root))

    def describe(self, agent: str | None) -> list[dict[str, Any]]:
        """Every tool of the workspace, or those ``agent`` may call (its subagents' too)."""
        if agent is None:
            return describe_tools(self.workspace, sorted(self.workspace.tools),
                                  lambda n: load_tool(self.workspace, n))
        return describe_tools(self.workspace, agent_tools(self.workspace, agent),
                              lambda n: self.resolve(agent, n))
