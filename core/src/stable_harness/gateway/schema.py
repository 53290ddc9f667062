"""Stage 3: JSON Schema validation, with validators compiled once per schema and cached."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator

from stable_harness.gateway.notes import GatewayNote


@lru_cache(maxsize=4096)
def _compiled(schema_json: str) -> Any:  # a Draft202012Validator (jsonschema is untyped)
    schema = json.loads(schema_json)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validator_for(schema: dict[str, Any]) -> Any:
    """The cached validator of ``schema`` (keyed by its canonical JSON)."""
    return _compiled(json.dumps(schema, sort_keys=True, separators=(",", ":")))


def json_path(parts: Any) -> str:
    """``$.a[0].b`` from a jsonschema path deque."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def problems(schema: dict[str, Any], value: Any) -> list[GatewayNote]:
    """Every validation error, as notes (stage ``validate``), in a stable order."""
    errors = sorted(validator_for(schema).iter_errors(value),
                    key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    return [GatewayNote("validate", _code(e.validator, e.message), json_path(e.absolute_path),
                        e.instance if e.validator != "required" else None, None, e.message)
            for e in errors]


def _code(validator: Any, message: str) -> str:
    if validator == "required":
        return "missing_required"
    if validator == "additionalProperties":
        return "unknown_argument"
    return f"invalid_{validator}"
