"""Where a workspace selects implementations by name: one table for loading, checks and schema."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from stable_harness.records import Slot
from stable_harness.workspace.diagnostics import Path
from stable_harness.workspace.kinds import (
    AgentDoc,
    EmbeddingsDoc,
    Envelope,
    McpServerDoc,
    MemoryDoc,
    ModelDoc,
    RuntimeDoc,
    RuntimeSpec,
    ToolDoc,
    WorkflowDoc,
)


@dataclass(frozen=True)
class PluginUse:
    """One selection: slot, chosen name, its config, and where both are written."""

    slot: Slot
    name: str
    config: Mapping[str, Any]
    name_path: Path
    config_path: Path


def runtime_uses(spec: RuntimeSpec) -> Iterator[PluginUse]:
    """Selections in a Runtime spec (also used for the defaults when there is no Runtime)."""
    yield PluginUse(Slot.RUN_STORE, spec.store.use, spec.store.config,
                    ("spec", "store", "use"), ("spec", "store", "config"))
    for i, sink in enumerate(spec.event_sinks):
        yield PluginUse(Slot.EVENT_SINK, sink.use, sink.config,
                        ("spec", "eventSinks", i, "use"), ("spec", "eventSinks", i, "config"))
    for i, policy in enumerate(spec.policies):
        yield PluginUse(Slot.POLICY, policy.use, policy.config,
                        ("spec", "policies", i, "use"), ("spec", "policies", i, "config"))
    for name, protocol in spec.protocols.items():
        if protocol.enabled:
            yield PluginUse(Slot.SURFACE, name, protocol.config,
                            ("spec", "protocols", name), ("spec", "protocols", name, "config"))


def plugin_uses(doc: Envelope) -> Iterator[PluginUse]:
    """Every selection a document makes."""
    if isinstance(doc, RuntimeDoc):
        yield from runtime_uses(doc.spec)
    elif isinstance(doc, AgentDoc):
        yield PluginUse(Slot.BACKEND, doc.spec.backend, doc.spec.options,
                        ("spec", "backend"), ("spec", "options"))
    elif isinstance(doc, ModelDoc):
        yield PluginUse(Slot.MODEL_PROVIDER, doc.spec.provider, doc.spec.config,
                        ("spec", "provider"), ("spec", "config"))
    elif isinstance(doc, WorkflowDoc) and doc.spec.backend is not None:
        yield PluginUse(Slot.BACKEND, doc.spec.backend, {}, ("spec", "backend"),
                        ("spec", "backend"))
    elif isinstance(doc, ToolDoc):
        yield PluginUse(Slot.TOOL_REGISTRY, doc.spec.registry, doc.spec.config,
                        ("spec", "registry"), ("spec", "config"))
    elif isinstance(doc, EmbeddingsDoc):
        yield PluginUse(Slot.EMBEDDINGS_PROVIDER, doc.spec.provider, doc.spec.config,
                        ("spec", "provider"), ("spec", "config"))
    elif isinstance(doc, McpServerDoc):  # the kind names its source: MCP
        yield PluginUse(Slot.TOOL_SOURCE, "mcp", {}, ("kind",), ("spec",))
    elif isinstance(doc, MemoryDoc):
        yield PluginUse(Slot.MEMORY_STORE, doc.spec.store.use, doc.spec.store.config,
                        ("spec", "store", "use"), ("spec", "store", "config"))


# For the JSON Schema: which schema definition holds (name field, config field) of which slot.
SCHEMA_SELECTORS: dict[str, tuple[Slot, str, str]] = {
    "RunStoreRef": (Slot.RUN_STORE, "use", "config"),
    "EventSinkRef": (Slot.EVENT_SINK, "use", "config"),
    "PolicyRef": (Slot.POLICY, "use", "config"),
    "MemoryStoreRef": (Slot.MEMORY_STORE, "use", "config"),
    "AgentSpec": (Slot.BACKEND, "backend", "options"),
    "ModelSpec": (Slot.MODEL_PROVIDER, "provider", "config"),
    "EmbeddingsSpec": (Slot.EMBEDDINGS_PROVIDER, "provider", "config"),
    "ToolSpec": (Slot.TOOL_REGISTRY, "registry", "config"),
}
