"""Tools discovered on servers (``kind: McpServer``) as one runtime sees them.

A server is connected when a run of an agent that lists it starts (or ``tool list``,
``validate --connect`` asks), and shared by every run. Its tools are named with the server's
``prefix``, filtered by the server's ``include`` / ``exclude`` and the agent's pick, and
tagged from their annotations and the YAML (explicit YAML wins). A name two servers give, or
a server and a workspace tool, is refused with both named: never a silent shadow. Each call
runs through the same path as a workspace tool (gateway, policies, ledger, timeouts,
``harness.tool.*`` events); progress the server reports becomes ``harness.tool.progress``, and
binary parts of a result become artifacts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stable_harness.errors import StableHarnessError, UnavailableError
from stable_harness.records import Slot
from stable_harness.runtime.tools import LoadedTool
from stable_harness.secrets import resolve as resolve_secrets
from stable_harness.tools.calls import current_call
from stable_harness.tools.sources import SourceError, SourceTool, ToolSource

if TYPE_CHECKING:
    from stable_harness.workspace.kinds import McpServerSpec
    from stable_harness.workspace.model import Workspace

log = logging.getLogger(__name__)
BEHAVIOUR_TAGS = frozenset({"read-only", "mutating", "idempotent", "network"})


class ToolServerError(StableHarnessError):
    """Two tools of one agent share a name (a workspace error: the YAML must change)."""


class ToolServerUnavailableError(ToolServerError, UnavailableError):
    """A tool server could not be reached (it did not start, or it went away)."""


@dataclass(frozen=True)
class SourcedTool:
    """A server's tool as an agent sees it."""

    name: str  # with the server's prefix
    server: str
    original: str  # the server's own name
    tags: frozenset[str]
    loaded: LoadedTool
    description: str


class ToolSources:
    """The workspace's tool servers for one runtime."""

    def __init__(self, workspace: Workspace, on_change: Callable[[str], None]) -> None:
        self.workspace = workspace
        self._on_change = on_change  # called with a server's name when its tools change
        self._sources: dict[str, ToolSource] = {}
        self._agents: dict[str, dict[str, SourcedTool]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def servers_of(self, agent: str) -> list[tuple[str, list[str] | None]]:
        """(server, picked tools) of ``agent`` and, transitively, its subagents."""
        seen: set[str] = set()
        out: dict[str, list[str] | None] = {}
        pending = [agent]
        while pending:
            name = pending.pop(0)
            entry = self.workspace.agent_entry(name)
            if name in seen or entry is None:
                continue
            seen.add(name)
            for use in entry.doc.spec.mcp_servers:
                before = out.get(use.server, [])
                if before is None or use.tools is None:
                    out[use.server] = None  # one of them takes all its tools: all
                else:
                    out[use.server] = [*before, *use.tools]
            pending.extend(entry.doc.spec.subagents)
        return list(out.items())

    def own_tools(self, agent: str, name: str) -> list[str]:
        """Names of the tools that agent ``name`` (``agent`` or one of its subagents) has
        from its own ``mcpServers``, as listed for ``agent``'s runs."""
        entry = self.workspace.agent_entry(name)
        if entry is None:
            return []
        picks = {u.server: u.tools for u in entry.doc.spec.mcp_servers}
        return [t.name for t in self.known(agent).values() if t.server in picks
                and (picks[t.server] is None or t.original in (picks[t.server] or []))]

    def known(self, agent: str) -> dict[str, SourcedTool]:
        """The tools of ``agent``'s servers as last listed (empty before :meth:`prepare`)."""
        return self._agents.get(agent, {})

    async def prepare(self, agent: str) -> dict[str, SourcedTool]:
        """Connect ``agent``'s servers (once) and list their tools for it."""
        servers = self.servers_of(agent)
        if not servers:
            return {}
        cached = self._agents.get(agent)
        if cached is not None:
            return cached
        lock = self._locks.setdefault(agent, asyncio.Lock())
        async with lock:
            if agent in self._agents:
                return self._agents[agent]
            tools: dict[str, SourcedTool] = {}
            for server, picked in servers:
                listed = await self._list(server)
                for tool in self._shaped(server, listed, picked):
                    self._check_unique(agent, tool, tools)
                    tools[tool.name] = tool
            self._agents[agent] = tools
            return tools

    async def list_server(self, server: str) -> list[SourcedTool]:
        """Every tool of ``server`` as the workspace names it (for ``tool list``)."""
        return self._shaped(server, await self._list(server), None)

    async def close(self) -> None:
        """Disconnect every server (stopping the processes the sources started)."""
        sources, self._sources = self._sources, {}
        results = await asyncio.gather(*(s.close() for s in sources.values()),
                                       return_exceptions=True)
        for name, result in zip(sources, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("closing MCP server '%s' failed: %s", name, result)

    # -- inside ------------------------------------------------------------------------------

    def _spec(self, server: str) -> McpServerSpec:
        entry = self.workspace.of_kind("McpServer").get(server)
        if entry is None:
            raise ToolServerError(f"no McpServer '{server}' in this workspace")
        spec: McpServerSpec = entry.doc.spec
        return spec

    def source(self, server: str) -> ToolSource:
        """The source of ``server`` (made on first use, not yet connected)."""
        existing = self._sources.get(server)
        if existing is not None:
            return existing
        record = self.workspace.plugins.registry(Slot.TOOL_SOURCE).get("mcp").record
        made: ToolSource = record.create({}, name=server, spec=self._spec(server),
                                         root=self.workspace.root, secret=resolve_secrets)
        made.on_tools_changed(lambda: self._changed(server))
        self._sources[server] = made
        return made

    async def _list(self, server: str) -> list[SourceTool]:
        try:
            return await self.source(server).list_tools()
        except SourceError as exc:
            raise ToolServerUnavailableError(str(exc)) from exc

    def _changed(self, server: str) -> None:
        for agent in [a for a in self._agents if server in dict(self.servers_of(a))]:
            self._agents.pop(agent, None)
        self._on_change(server)

    def _shaped(self, server: str, listed: list[SourceTool], picked: list[str] | None
                ) -> list[SourcedTool]:
        spec = self._spec(server)
        yaml_tags = frozenset(spec.tags)
        explicit = bool(yaml_tags & BEHAVIOUR_TAGS)
        out = []
        for tool in listed:
            if spec.include is not None and tool.name not in spec.include:
                continue
            if tool.name in spec.exclude or (picked is not None and tool.name not in picked):
                continue
            tags = yaml_tags if explicit else yaml_tags | tool.tags
            name = spec.prefix + tool.name
            loaded = LoadedTool(name, _caller(self, server, tool.name), tool.parameters,
                                tool.description, bool(tags & {"idempotent", "read-only"}),
                                spec.timeout_seconds, {"source": "mcp", "server": server})
            out.append(SourcedTool(name, server, tool.name, tags, loaded, tool.description))
        return out

    def _check_unique(self, agent: str, tool: SourcedTool, taken: dict[str, SourcedTool]
                      ) -> None:
        other = taken.get(tool.name)
        if other is not None:
            raise ToolServerError(
                f"agent '{agent}': MCP servers '{other.server}' and '{tool.server}' both "
                f"offer a tool named '{tool.name}'; give one of them a `prefix` (or leave the "
                "tool out with `exclude`)")
        if tool.name in self.workspace.tools:
            raise ToolServerError(
                f"agent '{agent}': MCP server '{tool.server}' offers '{tool.original}' as "
                f"'{tool.name}', the name of the workspace Tool '{tool.name}'; give the "
                "server a `prefix` (or `exclude` the tool)")


def _caller(sources: ToolSources, server: str, name: str) -> Callable[..., Any]:
    """The tool's function: a call to the server, with the runtime's view of the call
    (progress events, artifacts) taken from the call context."""
    async def call(**arguments: Any) -> Any:
        context = current_call()
        progress = None if context is None else context.progress
        try:
            result = await sources.source(server).call_tool(name, arguments,
                                                             progress=progress)
        except SourceError as exc:
            raise ToolServerUnavailableError(str(exc)) from exc
        artifacts = []
        if context is not None:
            for part in result.artifacts:
                artifacts.append(await context.artifact(part.name, part.data,
                                                        part.media_type))
        if result.is_error:
            raise ToolReportedError(result.value)
        if artifacts:
            return {"result": result.value, "artifacts": artifacts}
        return result.value
    call.__name__ = name
    return call


class ToolReportedError(StableHarnessError):
    """The tool ran and reported a failure (MCP ``isError``): the model reads the text."""

    def __init__(self, value: Any) -> None:
        text = value if isinstance(value, str) else repr(value)
        super().__init__(text or "the tool reported an error without a message")
