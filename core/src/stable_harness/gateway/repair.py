"""Stage 4: repair only what the schema makes unambiguous; never invent a value.

Rules (each leaves a note): a number or boolean sent as a string where the schema wants a
number or boolean (``"5"``→5, ``"true"``→true); an integer sent as an integral float (5.0→5);
an object or array sent as a JSON string; a scalar where an array is expected (``x``→``[x]``);
an enum value in the wrong case when exactly one member matches; an argument the schema does
not declare is dropped (or refused, per policy). A missing required argument, a ``null`` where
a value is required, or a value that fits no rule is left as is, and validation refuses it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from stable_harness.gateway.notes import GatewayNote

_INT = re.compile(r"^\s*[+-]?\d+\s*$")
_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


class Repairer:
    """Walks a value alongside its schema (``$ref`` to ``$defs`` / ``definitions`` resolved)."""

    def __init__(self, root: dict[str, Any], *, drop_unknown: bool = True) -> None:
        self.root = root
        self.drop_unknown = drop_unknown
        self.notes: list[GatewayNote] = []
        self.unknown: list[str] = []

    def repair(self, value: Any, schema: dict[str, Any] | bool, path: str = "$") -> Any:
        """The repaired value (``value`` itself when no rule applies)."""
        if not isinstance(schema, dict):
            return value
        schema = self._deref(schema)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return self._branches(value, schema[key], path)
        types = _types(schema)
        if "object" in types and isinstance(value, str):
            value = self._json_string(value, dict, path)
        if "array" in types and isinstance(value, str) and "string" not in types:
            value = self._json_string(value, list, path)
        if isinstance(value, dict) and ("object" in types or "properties" in schema):
            return self._object(value, schema, path)
        if "array" in types:
            return self._array(value, schema, path, types)
        return self._scalar(value, schema, path, types)

    # -- by kind ----------------------------------------------------------------------------

    def _object(self, value: dict[str, Any], schema: dict[str, Any], path: str
                ) -> dict[str, Any]:
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        out: dict[str, Any] = {}
        for key, item in value.items():
            where = f"{path}.{key}"
            if key in props:
                out[key] = self.repair(item, props[key], where)
            elif ("properties" in schema and extra is None) or extra is False:
                self.unknown.append(where)
                if self.drop_unknown:
                    self.notes.append(GatewayNote("repair", "unknown_argument_dropped", where,
                                                  item, None, "the tool does not declare it"))
                else:
                    out[key] = item
            else:
                out[key] = self.repair(item, extra, where) if isinstance(extra, dict) else item
        return out

    def _array(self, value: Any, schema: dict[str, Any], path: str, types: set[str]) -> Any:
        items = schema.get("items", {})
        if isinstance(value, list):
            return [self.repair(v, items, f"{path}[{i}]") for i, v in enumerate(value)]
        if value is None or (types - {"array", "null"}):
            return value  # null, or the schema also allows a scalar: nothing to decide
        wrapped = [self.repair(value, items, f"{path}[0]")]
        self.notes.append(GatewayNote("repair", "scalar_to_array", path, value, wrapped,
                                      "the schema expects an array"))
        return wrapped

    def _scalar(self, value: Any, schema: dict[str, Any], path: str, types: set[str]) -> Any:
        value = self._coerce(value, path, types)
        if "enum" in schema and isinstance(value, str) and value not in schema["enum"]:
            return self._enum(value, schema["enum"], path)
        return value

    def _coerce(self, value: Any, path: str, types: set[str]) -> Any:
        if not isinstance(value, str | float) or isinstance(value, bool):
            return value
        new: Any = value
        code = ""
        if isinstance(value, float) and "integer" in types and "number" not in types \
                and value.is_integer():
            new, code = int(value), "integral_float_to_integer"
        elif isinstance(value, str) and "string" not in types:
            if "integer" in types and _INT.match(value):
                new, code = int(value), "string_to_integer"
            elif "number" in types and _NUMBER.match(value):
                number = float(value)
                new = int(number) if _INT.match(value) else number
                code = "string_to_number"
            elif "boolean" in types and value.strip().lower() in ("true", "false"):
                new, code = value.strip().lower() == "true", "string_to_boolean"
        if code:
            self.notes.append(GatewayNote("repair", code, path, value, new,
                                          f"the schema expects {'/'.join(sorted(types))}"))
        return new

    def _enum(self, value: str, members: list[Any], path: str) -> Any:
        matches = [m for m in members if isinstance(m, str) and m.lower() == value.lower()]
        if len(matches) != 1:
            return value
        self.notes.append(GatewayNote("repair", "enum_case", path, value, matches[0],
                                      "one allowed value differs only in case"))
        return matches[0]

    def _json_string(self, value: str, kind: type, path: str) -> Any:
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if not isinstance(parsed, kind):
            return value
        self.notes.append(GatewayNote("repair", "json_in_string", path, value, parsed,
                                      "the schema expects an "
                                      + ("object" if kind is dict else "array")))
        return parsed

    def _branches(self, value: Any, branches: list[Any], path: str) -> Any:
        """Keep a value one branch accepts; else the repair of exactly one branch."""
        from stable_harness.gateway.schema import validator_for

        plain = [b for b in branches if isinstance(b, dict)]
        if any(validator_for(self._standalone(b)).is_valid(value) for b in plain):
            return value
        candidates = []
        for branch in plain:
            trial = Repairer(self.root, drop_unknown=self.drop_unknown)
            repaired = trial.repair(value, branch, path)
            if validator_for(self._standalone(branch)).is_valid(repaired):
                candidates.append((repaired, trial))
        if len(candidates) != 1:
            return value
        repaired, trial = candidates[0]
        self.notes.extend(trial.notes)
        self.unknown.extend(trial.unknown)
        return repaired

    # -- schema plumbing --------------------------------------------------------------------

    def _deref(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema and seen < 32:
            target: Any = self.root
            for part in schema["$ref"].lstrip("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            seen += 1
        return schema

    def _standalone(self, branch: dict[str, Any]) -> dict[str, Any]:
        """A branch with the root's definitions, so its ``$ref``s resolve on its own."""
        defs: dict[str, Any] = {k: self.root[k] for k in ("$defs", "definitions")
                                if k in self.root}
        return {**defs, **branch}


def _types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    if "enum" in schema:
        return {type_name(v) for v in schema["enum"]}
    return set()


def type_name(value: Any) -> str:
    """The JSON Schema type of a Python value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"
