"""One registry per slot, built from the registration hooks; resolves names YAML gives."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pluggy

from stable_harness.errors import UnknownNameError
from stable_harness.records import (
    BackendRecord,
    EmbeddingsProviderRecord,
    EventSinkRecord,
    MemoryStoreRecord,
    ModelProviderRecord,
    PluginInfo,
    PluginRecord,
    PolicyRecord,
    Registered,
    RunStoreRecord,
    Slot,
    SurfaceRecord,
    ToolRegistryRecord,
    ToolSourceRecord,
)

SLOT_HOOKS: dict[Slot, tuple[str, type[PluginRecord]]] = {
    Slot.BACKEND: ("stable_harness_register_backends", BackendRecord),
    Slot.MODEL_PROVIDER: ("stable_harness_register_model_providers", ModelProviderRecord),
    Slot.EMBEDDINGS_PROVIDER: ("stable_harness_register_embeddings_providers",
                               EmbeddingsProviderRecord),
    Slot.TOOL_REGISTRY: ("stable_harness_register_tool_registries", ToolRegistryRecord),
    Slot.TOOL_SOURCE: ("stable_harness_register_tool_sources", ToolSourceRecord),
    Slot.MEMORY_STORE: ("stable_harness_register_memory_stores", MemoryStoreRecord),
    Slot.RUN_STORE: ("stable_harness_register_run_stores", RunStoreRecord),
    Slot.POLICY: ("stable_harness_register_policies", PolicyRecord),
    Slot.EVENT_SINK: ("stable_harness_register_event_sinks", EventSinkRecord),
    Slot.SURFACE: ("stable_harness_register_surfaces", SurfaceRecord),
}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
# protocol names are keys of `Runtime.spec.protocols`, camelCase like every Runtime key
# (`openaiCompatible`)
SURFACE_NAME_PATTERN = re.compile(r"^[a-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$")


def install_hint(slot: Slot, name: str) -> str:
    """The package that provides ``name`` in ``slot`` (see :mod:`.catalogue`)."""
    from stable_harness.plugins.catalogue import install_hint as hint

    return hint(slot, name)


@dataclass
class Registry:
    """Names of one slot mapped to the record and the plugin that provided it."""

    slot: Slot
    entries: dict[str, Registered] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self.entries)

    def get(self, name: str) -> Registered:
        """Resolve ``name``; unknown names raise with the installed names and an install hint."""
        try:
            return self.entries[name]
        except KeyError:
            raise UnknownNameError(str(self.slot), name, self.names(),
                                   install_hint(self.slot, name)) from None


def build_registry(
    pm: pluggy.PluginManager, slot: Slot, info_for: Callable[[str], PluginInfo]
) -> Registry:
    """Call the slot's registration hook plugin by plugin, so every record keeps its provider."""
    hook_name, record_type = SLOT_HOOKS[slot]
    registry = Registry(slot)
    plugins = pm.get_plugins()
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        info = info_for(impl.plugin_name)
        others = [p for p in plugins if p is not impl.plugin]
        try:
            results = pm.subset_hook_caller(hook_name, remove_plugins=others)()
        except Exception as exc:
            registry.problems.append(f"{info.describe()}: {hook_name} raised {exc!r}")
            continue
        for records in results:
            _add(registry, record_type, info, records or ())
    return registry


def _add(
    registry: Registry, record_type: type[PluginRecord], info: PluginInfo, records: Iterable[object]
) -> None:
    for record in records:
        if not isinstance(record, record_type):
            registry.problems.append(
                f"{info.describe()} returned {type(record).__name__} "
                f"from the {registry.slot} hook; "
                f"expected {record_type.__name__}"
            )
            continue
        pattern = SURFACE_NAME_PATTERN if registry.slot is Slot.SURFACE else NAME_PATTERN
        if not pattern.match(record.name):
            registry.problems.append(
                f"{info.describe()} registered {registry.slot} name {record.name!r}: names are "
                f"{'' if pattern is NAME_PATTERN else 'camelCase or '}lowercase letters, "
                "digits, '-' and '_', starting with a lowercase letter"
            )
            continue
        existing = registry.entries.get(record.name)
        if existing is not None:
            registry.problems.append(
                f"{registry.slot} '{record.name}' is registered twice: by "
                f"{existing.plugin.describe()} and by {info.describe()}"
            )
            continue
        registry.entries[record.name] = Registered(record, info)
