"""Stage 3: JSON Schema validation, with validators compiled once per schema.

A tool's schema is compiled once, when the gateway first sees the tool
(:attr:`stable_harness.gateway.VisibleTool.compiled`), and kept with it: a call never
re-serialises or re-hashes the schema. Sub-schemas (``anyOf`` branches) get their validators
on first use, cached by identity inside the compiled schema that owns them.
"""

from __future__ import annotations

from typing import Any

from stable_harness.gateway.notes import GatewayNote


def _validator_class() -> Any:
    """jsonschema's Draft 2020-12 validator, imported on the first compiled schema: commands
    that never check a tool call (``cancel``, ``inspect``) do not pay its ~0.2 s import."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator


class CompiledSchema:
    """One tool's argument schema, checked against the metaschema and compiled."""

    __slots__ = ("_derefs", "_subs", "schema", "validator")

    def __init__(self, schema: dict[str, Any]) -> None:
        validator = _validator_class()
        validator.check_schema(schema)
        self.schema = schema
        self.validator: Any = validator(schema)  # jsonschema is untyped
        self._subs: dict[int, tuple[dict[str, Any], Any]] = {}
        self._derefs: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}

    def is_valid(self, value: Any) -> bool:
        """Whether ``value`` validates."""
        return bool(self.validator.is_valid(value))

    def deref(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` with its local ``$ref`` chain merged in (``#/$defs/...``), cached."""
        if "$ref" not in schema:
            return schema
        held = self._derefs.get(id(schema))
        if held is not None and held[0] is schema:
            return held[1]
        merged, hops = schema, 0
        while "$ref" in merged and hops < 32:
            target: Any = self.schema
            ref = merged["$ref"]
            for part in (ref.lstrip("#/").split("/") if isinstance(ref, str) else ()):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            merged = {**(target if isinstance(target, dict) else {}),
                      **{k: v for k, v in merged.items() if k != "$ref"}}
            hops += 1
        self._derefs[id(schema)] = (schema, merged)
        return merged

    def branch_is_valid(self, branch: dict[str, Any], value: Any) -> bool:
        """Whether ``value`` validates against ``branch``, a sub-schema of this schema (its
        ``$ref``s resolve against this schema's definitions)."""
        held = self._subs.get(id(branch))
        if held is None:
            defs: dict[str, Any] = {k: self.schema[k] for k in ("$defs", "definitions")
                                    if k in self.schema}
            sub = {**defs, **branch}
            held = self._subs[id(branch)] = (branch, _validator_class()(sub))
        return bool(held[1].is_valid(value))

    def problems(self, value: Any) -> list[GatewayNote]:
        """Every validation error, as notes (stage ``validate``), in a stable order."""
        errors = sorted(self.validator.iter_errors(value),
                        key=lambda e: (list(map(str, e.absolute_path)), e.validator))
        return [GatewayNote("validate", _code(e.validator), json_path(e.absolute_path),
                            e.instance if e.validator != "required" else None, None, e.message)
                for e in errors]


def json_path(parts: Any) -> str:
    """``$.a[0].b`` from a jsonschema path deque."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _code(validator: Any) -> str:
    if validator == "required":
        return "missing_required"
    if validator == "additionalProperties":
        return "unknown_argument"
    return f"invalid_{validator}"
