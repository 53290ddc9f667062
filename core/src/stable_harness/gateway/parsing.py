"""Stage 2: the arguments as a JSON object, with safe syntactic repair only."""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from stable_harness.gateway.notes import GatewayNote, ToolRefusal

_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n?(.*?)\n?\s*```\s*$", re.S)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def parse_arguments(tool: str, raw: Any) -> tuple[dict[str, Any], list[GatewayNote]]:
    """``raw`` is an object, or a string holding one (possibly fenced, with trailing commas,
    single-quoted like a Python literal, or JSON-encoded twice)."""
    if raw is None:
        return {}, []
    if isinstance(raw, dict):
        return raw, []
    if not isinstance(raw, str):
        raise ToolRefusal(tool, "parse", "arguments_not_object",
                          f"arguments must be a JSON object, got {type(raw).__name__}")
    notes: list[GatewayNote] = []
    text = raw
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
        notes.append(GatewayNote("parse", "code_fence", "$", raw, text, "removed a code fence"))
    value, code = _loads(text)
    if code is None:
        raise ToolRefusal(tool, "parse", "unparseable_arguments",
                          "arguments are not valid JSON (nor a repairable near miss); send a "
                          "JSON object", notes)
    if code != "json":
        notes.append(GatewayNote("parse", code, "$", text, value, "syntax repaired"))
    if isinstance(value, str):  # double-encoded: a JSON string holding the object
        inner, inner_code = _loads(value)
        if inner_code is not None and isinstance(inner, dict):
            notes.append(GatewayNote("parse", "double_encoded", "$", value, inner,
                                     "arguments were JSON-encoded twice"))
            value = inner
    if not isinstance(value, dict):
        raise ToolRefusal(tool, "parse", "arguments_not_object",
                          f"arguments must be a JSON object, got {type(value).__name__}", notes)
    return value, notes


def _loads(text: str) -> tuple[Any, str | None]:
    """(value, how): ``json``, ``trailing_comma``, ``python_literal``; None when unparseable."""
    try:
        return json.loads(text), "json"
    except ValueError:
        pass
    stripped = _TRAILING_COMMA.sub(r"\1", text)
    if stripped != text:
        try:
            return json.loads(stripped), "trailing_comma"
        except ValueError:
            pass
    try:  # single quotes, True/False/None: a Python literal, evaluated safely
        value = ast.literal_eval(stripped)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None, None
    if not _json_like(value):
        return None, None
    return value, "python_literal"


def _json_like(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_like(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_like(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)
