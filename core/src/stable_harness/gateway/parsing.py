"""Stage 2: the arguments as a JSON object, with lossless syntactic repair only.

Text is read by the first of these that reads it whole: strict JSON; JSON with trailing
commas; JSON5 (unquoted keys, single quotes, comments, hexadecimal numbers: the JavaScript
object syntax models slip into, read by the maintained ``pyjson5`` parser); a Python literal
(``True``, ``None``), read safely. Each has exactly one reading of a text. Nothing is
*completed*: truncated text, prose around the object or a missing bracket is refused, since
filling it in would be a guess. Duplicate keys with different values are refused (two
readings), and so are ``NaN`` and infinities, which are not JSON values.
"""

from __future__ import annotations

import ast
import json
import math
import re
from typing import Any

from stable_harness.gateway.notes import GatewayNote, ToolRefusal

_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n?(.*?)\n?\s*```\s*$", re.S)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_NOTHING = object()


class DuplicateKeyError(ValueError):
    """A JSON object gives one key twice, with different values."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class NestingTooDeepError(ValueError):
    """The text nests deeper than a parser takes (the JSON reader recurses per level)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out and out[key] != value:
            raise DuplicateKeyError(key)
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _strict(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    except RecursionError:
        raise NestingTooDeepError("nested too deeply") from None


def read_json_text(text: str) -> tuple[Any, str | None]:
    """(value, how) with how one of ``json``, ``trailing_comma``, ``json5``,
    ``python_literal``; (None, None) when no reader reads the whole text.

    Raises :class:`DuplicateKeyError` for a key given twice with different values (two
    readings) and :class:`NestingTooDeepError`; callers turn both into refusals."""
    try:
        return _strict(text), "json"
    except (DuplicateKeyError, NestingTooDeepError):
        raise
    except ValueError:
        pass
    stripped = _TRAILING_COMMA.sub(r"\1", text)
    if stripped != text:
        try:
            return _strict(stripped), "trailing_comma"
        except (DuplicateKeyError, NestingTooDeepError):
            raise
        except ValueError:
            pass
    import pyjson5  # lazy: only text that is not JSON pays for it

    try:
        value = pyjson5.decode(text)
    except Exception:  # pyjson5 raises its own Json5Exception family
        value = _NOTHING
    if value is not _NOTHING and _json_like(value):
        return value, "json5"
    try:  # True/False/None: a Python literal, evaluated safely
        value = ast.literal_eval(stripped)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None, None
    if not _json_like(value):
        return None, None
    return value, "python_literal"


def parse_arguments(tool: str, raw: Any) -> tuple[dict[str, Any], list[GatewayNote]]:
    """``raw`` is an object, or a string holding one (possibly fenced, JSON5 or a Python
    literal, or JSON-encoded twice)."""
    if raw is None:
        return {}, []
    if isinstance(raw, dict):
        return raw, []
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], dict):
        return raw[0], [GatewayNote("parse", "array_unwrapped", "$", raw, raw[0],
                                    "the argument object was sent inside a one-element array")]
    if not isinstance(raw, str):
        raise ToolRefusal(tool, "parse", "arguments_not_object",
                          f"arguments must be a JSON object, got {type(raw).__name__}")
    notes: list[GatewayNote] = []
    text = raw
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
        notes.append(GatewayNote("parse", "code_fence", "$", raw, text, "removed a code fence"))
    value, code = _read(tool, text, notes)
    if code is None:
        raise ToolRefusal(tool, "parse", "unparseable_arguments",
                          "arguments are not valid JSON (nor a near miss with one reading, "
                          "such as JSON5); send one complete JSON object", notes)
    if code != "json":
        notes.append(GatewayNote("parse", code, "$", text, value, "syntax repaired"))
    if isinstance(value, str):  # double-encoded: a JSON string holding the object
        inner, inner_code = _read(tool, value, notes)
        if inner_code is not None and isinstance(inner, dict):
            notes.append(GatewayNote("parse", "double_encoded", "$", value, inner,
                                     "arguments were JSON-encoded twice"))
            value = inner
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        notes.append(GatewayNote("parse", "array_unwrapped", "$", value, value[0],
                                 "the argument object was sent inside a one-element array"))
        value = value[0]
    if not isinstance(value, dict):
        raise ToolRefusal(tool, "parse", "arguments_not_object",
                          f"arguments must be a JSON object, got {type(value).__name__}", notes)
    return value, notes


def _read(tool: str, text: str, notes: list[GatewayNote]) -> tuple[Any, str | None]:
    try:
        return read_json_text(text)
    except DuplicateKeyError as exc:
        raise ToolRefusal(
            tool, "parse", "duplicate_argument",
            f"argument '{exc.key}' is given twice with different values; send it once",
            notes, [GatewayNote("parse", "duplicate_argument", f"$.{exc.key}", None, None,
                                "given twice with different values")]) from None
    except NestingTooDeepError:
        raise ToolRefusal(tool, "parse", "too_deep", "the arguments are nested too deeply; "
                          "send a flatter object", notes) from None


def _json_like(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_like(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_like(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int | bool)
