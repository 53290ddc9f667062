"""Check every plugin selection of a workspace against the loaded registries."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from stable_harness.errors import PluginError
from stable_harness.plugins.catalogue import install_hint
from stable_harness.plugins.manager import PluginHost
from stable_harness.records import (
    BackendRecord,
    MemoryStoreRecord,
    Registered,
    Slot,
    Support,
    ToolRegistryRecord,
)
from stable_harness.workspace.diagnostics import Diagnostic, format_path
from stable_harness.workspace.kinds import AgentDoc, AgentSpec, MemoryDoc, ToolDoc
from stable_harness.workspace.model import Entry
from stable_harness.workspace.plugin_uses import PluginUse
from stable_harness.workspace.pydantic_errors import to_diagnostics


def _at(entry: Entry[Any] | None, use_path: tuple[Any, ...], code: str, message: str,
        hint: str = "") -> Diagnostic:
    if entry is None:
        return Diagnostic(code, message, None, None, "Runtime (defaults)",
                          format_path(use_path), hint)
    return Diagnostic(code, message, entry.source.file, entry.source.line_of(use_path),
                      entry.subject, format_path(use_path), hint)


def _unknown(host: PluginHost, use: PluginUse, entry: Entry[Any] | None) -> Diagnostic:
    registry = host.registry(use.slot)
    state = host.report.state(use.name)
    installed = ", ".join(sorted(set(registry.names()) | set(host.survey(use.slot)))) or "none"
    if state is not None and state.status == "failed":
        return _at(entry, use.name_path, "plugin-load-failed",
                   f"plugin '{use.name}' (from {state.plugin.distribution}) failed to load: "
                   f"{state.reason}")
    if state is not None and state.status == "disabled":
        return _at(entry, use.name_path, "plugin-disabled",
                   f"{use.slot} '{use.name}' comes from plugin '{use.name}', which is disabled",
                   "remove it from Runtime spec.plugins.disable / STABLE_HARNESS_DISABLED_PLUGINS")
    provider = host.survey(use.slot).get(use.name)
    if provider is not None:
        return _at(entry, use.name_path, "plugin-not-enabled",
                   f"{use.slot} '{use.name}' is provided by {provider.describe()}, "
                   "which is not enabled",
                   f"add '{provider.name}' to Runtime spec.plugins.enable")
    close = difflib.get_close_matches(use.name, registry.names(), n=3, cutoff=0.6)
    elsewhere = [(slot, found.plugin.distribution) for slot in Slot if slot is not use.slot
                 for n, found in host.registry(slot).entries.items() if n == use.name]
    hint = ("did you mean " + " or ".join(f"'{c}'" for c in close) + "? otherwise, "
            if close else "") + install_hint(Slot(use.slot), use.name, elsewhere)
    return _at(entry, use.name_path, "unknown-plugin",
               f"unknown {use.slot} '{use.name}' (installed: {installed})", hint)


def check_use(host: PluginHost, use: PluginUse, entry: Entry[Any] | None) -> Iterator[Diagnostic]:
    """Name resolves in its slot; config validates with the implementation's config model."""
    registry = host.registry(use.slot)
    found = registry.entries.get(use.name)
    if found is None:
        yield _unknown(host, use, entry)
        return
    try:
        config_model = found.record.config_class()
    except PluginError as exc:
        yield _at(entry, use.name_path, "plugin-broken", str(exc))
        return
    try:
        config_model.model_validate(dict(use.config))
    except ValidationError as exc:
        yield from to_diagnostics(exc, config_model,
                                  entry.source if entry else None,
                                  entry.subject if entry else "Runtime (defaults)",
                                  use.config_path, code="plugin-config")
    if entry is not None:
        yield from _fields(found, entry)


def _fields(found: Registered, entry: Entry[Any]) -> Iterator[Diagnostic]:
    """Optional spec fields the implementation does not understand; required ones missing."""
    record = found.record
    spec: object
    if isinstance(record, BackendRecord) and isinstance(entry.doc, AgentDoc):
        spec = entry.doc.spec
        for name in AgentSpec.GATED_FIELDS:
            if getattr(spec, name) and name not in record.agent_fields:
                yield _at(entry, ("spec", name), "unsupported-field",
                          f"backend '{record.name}' does not support `{name}`",
                          "supported: " + (", ".join(sorted(record.agent_fields)) or "none"))
        yield from _capabilities(record, entry)
        required = record.required_agent_fields
    elif isinstance(record, ToolRegistryRecord) and isinstance(entry.doc, ToolDoc):
        required, spec = record.required_tool_fields, entry.doc.spec
    elif isinstance(record, MemoryStoreRecord) and isinstance(entry.doc, MemoryDoc):
        if entry.doc.spec.index is not None and \
                record.capabilities.get("vector_search") in (None, Support.UNSUPPORTED):
            yield _at(entry, ("spec", "index"), "unsupported-capability",
                      f"memory store '{record.name}' has no semantic search (capability "
                      "'vector_search'), which `index` needs",
                      "use the built-in `sqlite` store, or drop `index`")
        return
    else:
        return
    for name in sorted(required):
        if not getattr(spec, name):
            yield _at(entry, ("spec", name), "missing-field",
                      f"required field is missing (the {record.slot} '{record.name}' needs it)")


# Agent.spec field (python name, YAML name) -> the backend capability it needs.
CAPABILITY_FIELDS = {
    ("skills", "skills"): "skills",
    ("memory", "memory"): "memory",
    ("mcp_servers", "mcpServers"): "mcp",
    ("subagents", "subagents"): "subagents",
    ("graph", "graph"): "custom_graph",
    ("edges", "edges"): "graph_overlay",
}


def _capabilities(record: BackendRecord, entry: Entry[Any]) -> Iterator[Diagnostic]:
    """A field whose capability the backend declares ``unsupported`` cannot be honoured."""
    for (attr, key), capability in CAPABILITY_FIELDS.items():
        if attr in AgentSpec.GATED_FIELDS and attr not in record.agent_fields:
            continue  # already reported as unsupported-field
        if getattr(entry.doc.spec, attr) and \
                record.capabilities.get(capability) is Support.UNSUPPORTED:
            yield _at(entry, ("spec", key), "unsupported-capability",
                      f"backend '{record.name}' cannot honour `{key}` (capability "
                      f"'{capability}' is unsupported)",
                      "see docs/compatibility-matrix.md for the backends that can")


def check_registries(host: PluginHost) -> list[Diagnostic]:
    """Name clashes and malformed records, once per slot."""
    return [Diagnostic("plugin-conflict", problem)
            for slot in Slot for problem in host.registry(slot).problems]
