"""What an agent is made of, and its graph as Mermaid (``inspect agent``, the SDK)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from stable_harness.errors import InvalidRequestError
from stable_harness.records import Slot

if TYPE_CHECKING:
    from stable_harness.workspace.model import Workspace


def describe_agent(ws: Workspace, name: str) -> dict[str, Any]:
    """The agent's backend, inventory and the backend's declared capabilities."""
    doc = ws.agents[name].doc
    spec = doc.spec
    record = ws.plugins.registry(Slot.BACKEND).get(spec.backend).record
    return {
        "agent": name, "description": doc.metadata.description, "backend": spec.backend,
        "model": spec.model, "tools": list(spec.tools), "subagents": list(spec.subagents),
        "skills": list(spec.skills), "graph": spec.graph,
        "mcpServers": [u.model_dump(mode="json", by_alias=True, exclude_none=True)
                       for u in spec.mcp_servers],
        "edges": [{"from": e.source, "to": e.target} for e in spec.edges],
        "capabilities": {key: str(value) for key, value in record.capabilities.items()},
    }


def agent_mermaid(ws: Workspace, name: str, adapter: Callable[[str], Any]) -> str:
    """The agent's graph as drawn by its backend (adapters with a ``mermaid()`` method)."""
    render = getattr(adapter(name), "mermaid", None)
    if render is None:
        backend = ws.agents[name].doc.spec.backend
        raise InvalidRequestError(
            f"agent '{name}': backend '{backend}' has no graph to draw (capability "
            "graph_render is unsupported)")
    return str(render())


def describe_tools(ws: Workspace, names: list[str], load: Callable[[str], Any]
                   ) -> list[dict[str, Any]]:
    """Tools ``names``: registry, tags, timeout, description and argument schema."""
    out = []
    for name in names:
        spec = ws.tools[name].doc.spec
        loaded = load(name)
        out.append({"name": name, "registry": spec.registry, "tags": list(spec.tags),
                    "timeoutSeconds": spec.timeout_seconds, "idempotent": loaded.idempotent,
                    "description": loaded.description, "parameters": loaded.parameters})
    return out


def describe_sourced(tool: Any) -> dict[str, Any]:
    """A tool of a tool server (a ``SourcedTool``), described like a workspace tool."""
    loaded = tool.loaded
    return {"name": tool.name, "registry": "mcp", "server": tool.server,
            "serverName": tool.original, "tags": sorted(tool.tags),
            "timeoutSeconds": loaded.timeout_seconds, "idempotent": loaded.idempotent,
            "description": loaded.description, "parameters": loaded.parameters}
