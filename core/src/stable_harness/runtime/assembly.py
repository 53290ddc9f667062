"""Building a runtime's parts from the workspace: run store, event sinks, chat models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stable_harness.backends.contract import AgentBinding, BackendAdapter
from stable_harness.errors import NotFoundError, PluginError
from stable_harness.gateway.policy import ScopedPolicy, ToolPolicy
from stable_harness.records import Slot
from stable_harness.runtime.sinks import EventSink
from stable_harness.runtime.tools import LoadedTool
from stable_harness.secrets import resolve as resolve_secrets
from stable_harness.store.contract import RunStore

if TYPE_CHECKING:
    from stable_harness.workspace.model import Workspace


def make_store(ws: Workspace) -> RunStore:
    """The workspace's run store (not yet opened)."""
    ref = ws.runtime.store
    record = ws.plugins.registry(Slot.RUN_STORE).get(ref.use).record
    store: RunStore = record.create(ref.config, base=ws.root)
    return store


def make_sinks(ws: Workspace) -> list[tuple[str, EventSink]]:
    sinks = []
    for ref in ws.runtime.event_sinks:
        record = ws.plugins.registry(Slot.EVENT_SINK).get(ref.use).record
        sinks.append((ref.use, record.create(ref.config, base=ws.root)))
    return sinks


def make_model(ws: Workspace, name: str) -> Any:
    """Build the chat model of ``Model`` ``name`` with its provider's factory, called as
    ``factory(config, name=<Model name>, model=<spec.model>)``."""
    entry = ws.models.get(name)
    if entry is None:
        raise NotFoundError(f"model '{name}' is not in this workspace")
    spec = entry.doc.spec
    record = ws.plugins.registry(Slot.MODEL_PROVIDER).get(spec.provider).record
    try:
        return record.create(resolve_secrets(spec.config), name=name, model=spec.model)
    except (PluginError, NotFoundError):
        raise
    except ImportError as exc:
        raise PluginError(f"model '{name}' (provider '{spec.provider}'): {exc}") from exc


def state_dir(ws: Workspace) -> Path:
    """Where backends keep their own state (LangGraph checkpoints…): next to a file-based run
    store, else ``.stable-harness`` in the workspace."""
    path = ws.runtime.store.config.get("path")
    if isinstance(path, str) and path:
        return (ws.root / path).parent
    return ws.root / ".stable-harness"


def load_tool(ws: Workspace, name: str) -> LoadedTool:
    """Load workspace tool ``name`` through its registry."""
    spec = ws.tools[name].doc.spec
    record = ws.plugins.registry(Slot.TOOL_REGISTRY).get(spec.registry).record
    loaded = record.create(resolve_secrets(spec.config)).load(name, spec, ws.root)
    return LoadedTool(name, loaded.function, loaded.parameters, loaded.description,
                      "idempotent" in spec.tags or "read-only" in spec.tags,
                      spec.timeout_seconds)


def make_adapter(ws: Workspace, agent: str, tool: Callable[[str, str], LoadedTool],
                 server_tools: Callable[[str], list[str]] | None = None) -> BackendAdapter:
    """Build the backend adapter of ``agent``: ``factory(options, agent=AgentBinding)``."""
    entry = ws.agent_entry(agent)
    if entry is None:
        raise NotFoundError(f"agent '{agent}' is not in this workspace")
    spec = entry.doc.spec
    record = ws.plugins.registry(Slot.BACKEND).get(spec.backend).record
    binding = AgentBinding(agent, spec, ws.root, state_dir=state_dir(ws),
                           model=lambda name: make_model(ws, name), tool=tool, workspace=ws,
                           server_tools=server_tools or _no_server_tools)
    adapter: BackendAdapter = record.create(spec.options, agent=binding)
    return adapter


def _no_server_tools(agent: str) -> list[str]:
    return []


def make_policies(ws: Workspace) -> list[tuple[str, ToolPolicy]]:
    """The enabled policies, in the order the Runtime lists them (scoped to their ``tools``
    when the entry names some)."""
    out: list[tuple[str, ToolPolicy]] = []
    for ref in ws.runtime.policies:
        record = ws.plugins.registry(Slot.POLICY).get(ref.use).record
        policy: ToolPolicy = record.create(resolve_secrets(ref.config))
        out.append((ref.use, ScopedPolicy(policy, frozenset(ref.tools)) if ref.tools
                    else policy))
    return out
