"""JSON Schema of a workspace document for the installed plugins (for editor completion)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from stable_harness.plugins.manager import PluginHost
from stable_harness.records import Slot
from stable_harness.workspace.kinds import KINDS
from stable_harness.workspace.plugin_uses import SCHEMA_SELECTORS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
REF = "#/$defs/{model}"


def _schema(model: type[BaseModel], defs: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Schema of ``model`` with its nested definitions hoisted into ``defs`` (names prefixed)."""
    schema = model.model_json_schema(by_alias=True, ref_template=REF.replace("{model}",
                                                                             prefix + "{model}"))
    for name, sub in schema.pop("$defs", {}).items():
        defs[prefix + name] = sub
    return schema


def _config_branches(host: PluginHost, slot: Slot, name_field: str, config_field: str,
                     defs: dict[str, Any]) -> list[dict[str, Any]]:
    branches = []
    for name, entry in sorted(host.registry(slot).entries.items()):
        config = _schema(entry.record.config_class(), defs, prefix=f"{name}.")
        branches.append({
            "if": {"properties": {name_field: {"const": name}}, "required": [name_field]},
            "then": {"properties": {config_field: config}},
        })
    return branches


def workspace_schema(host: PluginHost) -> dict[str, Any]:
    """One schema accepting any document kind; plugin ``config`` sections are typed per name."""
    defs: dict[str, Any] = {}
    for model in KINDS.values():
        defs[model.__name__] = _schema(model, defs)
    for def_name, (slot, name_field, config_field) in SCHEMA_SELECTORS.items():
        target = defs[def_name]
        names = host.registry(slot).names()
        target["properties"][name_field]["examples"] = names
        branches = _config_branches(host, slot, name_field, config_field, defs)
        if branches:  # an empty allOf is not valid JSON Schema
            target["allOf"] = branches
    surfaces = {
        name: {"allOf": [{"$ref": REF.format(model="ProtocolSpec")},
                         {"properties": {"config": _schema(entry.record.config_class(), defs,
                                                           prefix=f"{name}.")}}]}
        for name, entry in sorted(host.registry(Slot.SURFACE).entries.items())
    }
    defs["RuntimeSpec"]["properties"]["protocols"]["properties"] = surfaces
    return {
        "$schema": DIALECT,
        "$id": "https://stable-harness.dev/schema/workspace-v1.json",
        "title": "stable-harness workspace document",
        "oneOf": [{"$ref": REF.format(model=m.__name__)} for m in KINDS.values()],
        "$defs": defs,
    }
