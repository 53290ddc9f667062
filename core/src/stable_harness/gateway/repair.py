"""Stage 4: repair only where the call has exactly one reading that loses nothing.

Walks the arguments alongside the schema, at every depth (nested objects, array items,
``$ref`` to ``$defs``/``definitions``, ``anyOf``/``oneOf`` branches). Each repair leaves a
note; what cannot be read one way only becomes a *refusal* the model can act on.

Values: a number or boolean sent as text where the schema wants one; an integral float for an
integer; a JSON number where a string is wanted (``5`` → ``"5"``); an object or array sent as
JSON (or JSON5) text; a scalar where an array is wanted (``x`` → ``[x]``), unless it is text
that could be several items (``"a, b"``: refused, never split); a one-element array where a
scalar is wanted (``[x]`` → ``x``); an enum member in another case or with other whitespace,
when exactly one member matches.

Keys: an undeclared key that is a near miss of exactly one declared key the call does not set
is renamed (``Unit`` → ``unit``, ``startDate`` → ``start_date``, ``lonhitude`` →
``longitude``). The whole object wrapped in one undeclared key (``{"arguments": {...}}``) is
unwrapped when the inner object fits. Any other undeclared key is dropped only where it cannot
stand for anything the call lacks (``unknown="auto"``: every declared key at that level is set),
always (``"drop"``) or never (``"refuse"``).

Never invented: a missing or blank required value, a ``null`` where a value is required, a
value that fits no rule.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Literal

from stable_harness.gateway.notes import GatewayNote
from stable_harness.gateway.parsing import DuplicateKeyError, NestingTooDeepError, read_json_text
from stable_harness.gateway.schema import CompiledSchema
from stable_harness.gateway.words import folded, spelling_edits, word_typo, words

UnknownArguments = Literal["auto", "drop", "refuse"]
MAX_DEPTH = 64
_INT = re.compile(r"^\s*[+-]?\d+\s*$")
_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
# Text holding any of these may be one item or several: wrapping it would be a guess.
_LIST_SEPARATORS = re.compile(r"[,;|\n\r\t]")
_SAME_WORDS, _TYPO = 0, 1


class Repairer:
    """One walk over one call's arguments (see the module docstring)."""

    def __init__(self, compiled: CompiledSchema, *, unknown: UnknownArguments = "auto",
                 blank_is_missing: bool = True) -> None:
        self.compiled = compiled
        self.unknown = unknown
        self.blank_is_missing = blank_is_missing
        self.notes: list[GatewayNote] = []
        self.refusals: list[GatewayNote] = []
        self._ambiguous: set[str] = set()  # paths of keys already refused as ambiguous

    def repair(self, value: Any, schema: dict[str, Any] | bool | None = None, path: str = "$",
               depth: int = 0) -> Any:
        """The repaired value (``value`` itself when no rule applies)."""
        if schema is None:
            schema = self.compiled.schema
        if depth > MAX_DEPTH:
            self._refuse(path, "too_deep", f"nested deeper than {MAX_DEPTH} levels")
            return value
        if isinstance(value, float) and not math.isfinite(value):
            self._refuse(path, "invalid_number", f"{value} is not a finite number")
            return value
        if not isinstance(schema, dict):
            return value
        schema = self.compiled.deref(schema)
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                return self._branches(value, schema[key], path, depth)
        types = _types(schema)
        if isinstance(value, str) and "string" not in types and types & {"object", "array"}:
            value = self._text(value, types, path)
        if isinstance(value, list) and types and "array" not in types:
            if len(value) != 1:
                return value  # several values for one: validation refuses it
            self._note("array_unwrapped", path, value, value[0],
                       "a one-element array where one value is expected")
            return self.repair(value[0], schema, path, depth + 1)
        if isinstance(value, dict) and ("object" in types or "properties" in schema):
            return self._object(value, schema, path, depth)
        if "array" in types:
            return self._array(value, schema, path, types, depth)
        return self._scalar(value, schema, path, types)

    # -- objects ----------------------------------------------------------------------------

    def _object(self, value: dict[str, Any], schema: dict[str, Any], path: str, depth: int
                ) -> dict[str, Any]:
        props: dict[str, Any] = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        closed = _closed(schema)
        unknown = [k for k in value if k not in props]
        renames: dict[str, str] = {}
        if closed and unknown:
            unwrapped = self._unwrap(value, schema, props, unknown, path, depth)
            if unwrapped is not None:
                return unwrapped
            renames = self._renames(value, props, unknown, path)
        present = {renames.get(k, k) for k in value}
        complete = all(p in present for p in props)
        out: dict[str, Any] = {}
        for key, item in value.items():
            target = renames.get(key, key)
            where = f"{path}.{target}"
            if target in props:
                out[target] = self.repair(item, props[target], where, depth + 1)
            elif not closed:
                out[key] = self.repair(item, extra, where, depth + 1) \
                    if isinstance(extra, dict) else item
            elif f"{path}.{key}" not in self._ambiguous:
                self._undeclared(key, item, props, present, f"{path}.{key}", complete)
        if self.blank_is_missing:
            for name in schema.get("required") or ():
                if _blank(out.get(name), props.get(name)):
                    self._refuse(f"{path}.{name}", "missing_required",
                                 f"'{name}' is required but was sent empty; the value must "
                                 "come from the conversation (ask for it if it is unknown)")
        return out

    def _renames(self, value: dict[str, Any], props: dict[str, Any], unknown: list[str],
                 path: str) -> dict[str, str]:
        """Undeclared key -> the one declared key it misspells (declared keys not set)."""
        unset = [p for p in props if p not in value]
        chosen: dict[str, str] = {}
        for key in unknown:
            near = _near_keys(key, unset)
            taken = _near_keys(key, [p for p in props if p in value])
            if taken and not near:  # a second spelling of an argument the call sets
                self._ambiguous.add(f"{path}.{key}")
                if all(value[t] == value[key] for t in taken):
                    self._note("duplicate_argument_dropped", f"{path}.{key}", value[key],
                               None, f"the same value is already given as '{taken[0]}'")
                else:
                    self._refuse(f"{path}.{key}", "ambiguous_argument",
                                 f"'{key}' looks like '{taken[0]}', which the call already "
                                 "sets to another value; send it once")
                continue
            if len(near) == 1:
                chosen[key] = near[0]
            elif len(near) > 1:
                self._ambiguous.add(f"{path}.{key}")
                self._refuse(f"{path}.{key}", "ambiguous_argument",
                             f"'{key}' is not declared and could mean any of "
                             f"{', '.join(near)}; use the exact name")
        targets: dict[str, list[str]] = {}
        for key, target in chosen.items():
            targets.setdefault(target, []).append(key)
        for target, keys in targets.items():
            if len(keys) > 1:
                for key in keys:
                    del chosen[key]
                    self._ambiguous.add(f"{path}.{key}")
                self._refuse(f"{path}.{target}", "ambiguous_argument",
                             f"{', '.join(repr(k) for k in keys)} could each be '{target}'; "
                             "send it once, by its exact name")
        for key, target in chosen.items():
            self._note("argument_renamed", f"{path}.{key}", key, target,
                       f"'{key}' is a near miss of the declared argument '{target}'")
        return chosen

    def _undeclared(self, key: str, item: Any, props: dict[str, Any], present: set[str],
                    where: str, complete: bool) -> None:
        if self.unknown == "drop" or (self.unknown == "auto" and complete):
            self._note("unknown_argument_dropped", where, item, None,
                       "the tool does not declare it" + (
                           " and every declared argument is set" if complete else ""))
            return
        unset = [p for p in props if p not in present]
        hint = (f"; declared arguments not set: {', '.join(unset)}. If '{key}' stands for "
                "one of them, call again with that name, else leave it out") if unset else \
            "; leave it out"
        self._refuse(where, "unknown_argument",
                     f"the tool does not declare '{key}' (it declares: "
                     f"{', '.join(props) or 'no arguments'}){hint}")

    def _unwrap(self, value: dict[str, Any], schema: dict[str, Any], props: dict[str, Any],
                unknown: list[str], path: str, depth: int) -> dict[str, Any] | None:
        """``{"<wrapper>": {...}}`` -> ``{...}`` when the inner object fits the schema."""
        if len(value) != 1 or len(unknown) != 1:
            return None
        [key] = unknown
        inner = value[key]
        if not isinstance(inner, dict) or _near_keys(key, list(props)):
            return None
        trial = self._fork()
        repaired = trial.repair(inner, schema, path, depth + 1)
        if trial.refusals or not isinstance(repaired, dict) \
                or not self.compiled.branch_is_valid(schema, repaired):
            return None
        self._note("wrapper_removed", f"{path}.{key}", key, None,
                   f"the arguments were wrapped in an undeclared key '{key}'")
        self.notes.extend(trial.notes)
        return repaired

    # -- arrays and scalars -------------------------------------------------------------------

    def _array(self, value: Any, schema: dict[str, Any], path: str, types: set[str],
               depth: int) -> Any:
        items = schema.get("items", {})
        if isinstance(value, list):
            return [self.repair(v, items, f"{path}[{i}]", depth + 1)
                    for i, v in enumerate(value)]
        if value is None or (types - {"array", "null"}):
            return value  # null, or the schema also allows a scalar: nothing to decide
        if isinstance(value, str) and not value.strip():
            self._refuse(path, "blank_value", "an array is expected and an empty text is no "
                                              "item; send the items, or [] for none")
            return value
        if isinstance(value, str) and _LIST_SEPARATORS.search(value):
            self._refuse(path, "ambiguous_list",
                         "an array is expected and this text may hold one item or several; "
                         "send a JSON array with one element per item")
            return value
        wrapped = [self.repair(value, items, f"{path}[0]", depth + 1)]
        self._note("scalar_to_array", path, value, wrapped, "the schema expects an array")
        return wrapped

    def _scalar(self, value: Any, schema: dict[str, Any], path: str, types: set[str]) -> Any:
        value = self._coerce(value, path, types)
        members = schema.get("enum")
        if isinstance(members, list) and isinstance(value, str) and value not in members:
            return self._enum(value, members, path)
        return value

    def _coerce(self, value: Any, path: str, types: set[str]) -> Any:
        if isinstance(value, bool) or not isinstance(value, str | int | float) or not types:
            return value
        new: Any = value
        code = ""
        if isinstance(value, int | float) and "string" in types \
                and not types & {"number", "integer"}:
            new, code = json.dumps(value), "number_to_string"
        elif isinstance(value, float) and "integer" in types and "number" not in types \
                and value.is_integer():
            new, code = int(value), "integral_float_to_integer"
        elif isinstance(value, str) and "string" not in types:
            if "integer" in types and _INT.match(value):
                new, code = int(value), "string_to_integer"
            elif "integer" in types and "number" not in types and _NUMBER.match(value) \
                    and float(value).is_integer() and abs(float(value)) < 2 ** 53:
                new, code = int(float(value)), "string_to_integer"
            elif "number" in types and _NUMBER.match(value) and math.isfinite(float(value)):
                new = int(value) if _INT.match(value) else float(value)
                code = "string_to_number"
            elif "boolean" in types and value.strip().lower() in ("true", "false"):
                new, code = value.strip().lower() == "true", "string_to_boolean"
        if code:
            self._note(code, path, value, new, f"the schema expects {'/'.join(sorted(types))}")
        return new

    def _enum(self, value: str, members: list[Any], path: str) -> Any:
        key = _normal(value)
        matches = [m for m in members if isinstance(m, str) and _normal(m) == key]
        if len(matches) != 1:
            return value  # none or several: validation refuses it, listing the members
        code = "enum_case" if value.lower() == matches[0].lower() else "enum_whitespace"
        self._note(code, path, value, matches[0],
                   "one allowed value differs only in case or whitespace")
        return matches[0]

    def _text(self, value: str, types: set[str], path: str) -> Any:
        try:
            parsed, how = read_json_text(value)
        except DuplicateKeyError as exc:
            self._refuse(path, "duplicate_argument",
                         f"'{exc.key}' is given twice with different values")
            return value
        except NestingTooDeepError:
            self._refuse(path, "too_deep", "the text is nested too deeply")
            return value
        if how is None or not ((isinstance(parsed, dict) and "object" in types)
                               or (isinstance(parsed, list) and "array" in types)):
            return value
        kind = "object" if isinstance(parsed, dict) else "array"
        self._note("json_in_string", path, value, parsed,
                   f"the schema expects an {kind}" + ("" if how == "json" else f" ({how})"))
        return parsed

    def _branches(self, value: Any, branches: list[Any], path: str, depth: int) -> Any:
        """Keep a value one branch accepts; else the repair of exactly one branch."""
        plain = [b for b in branches if isinstance(b, dict)]
        valid = [b for b in plain if self.compiled.branch_is_valid(b, value)]
        if len(valid) == 1 and isinstance(value, dict | list):
            return self.repair(value, valid[0], path, depth + 1)  # undeclared keys inside
        if valid:
            return value
        found = []
        for branch in plain:
            trial = self._fork()
            repaired = trial.repair(value, branch, path, depth + 1)
            if not trial.refusals and self.compiled.branch_is_valid(branch, repaired):
                found.append((repaired, trial))
        if len(found) != 1:
            return value
        repaired, trial = found[0]
        self.notes.extend(trial.notes)
        return repaired

    # -- plumbing -------------------------------------------------------------------------------

    def _fork(self) -> Repairer:
        return Repairer(self.compiled, unknown=self.unknown,
                        blank_is_missing=self.blank_is_missing)

    def _note(self, code: str, path: str, before: Any, after: Any, reason: str) -> None:
        self.notes.append(GatewayNote("repair", code, path, before, after, reason))

    def _refuse(self, path: str, code: str, reason: str) -> None:
        self.refusals.append(GatewayNote("repair", code, path, None, None, reason))


def needs_repair(value: Any, compiled: CompiledSchema, *, blank_is_missing: bool = True
                 ) -> bool:
    """Whether a call that validates still has something the repairer must look at: a key
    the schema does not declare (at any depth), a blank required string, a number that is
    not finite, or nesting deeper than :data:`MAX_DEPTH`."""
    return _dirty(value, compiled.schema, compiled, 0, blank_is_missing)


def _dirty(value: Any, schema: Any, compiled: CompiledSchema, depth: int, blank: bool
           ) -> bool:
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    if not isinstance(schema, dict) or not isinstance(value, dict | list):
        return False
    if "$ref" in schema:
        schema = compiled.deref(schema)
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list):
            valid = [b for b in branches
                     if isinstance(b, dict) and compiled.branch_is_valid(b, value)]
            return len(valid) == 1 and _dirty(value, valid[0], compiled, depth + 1, blank)
    if isinstance(value, list):
        items = schema.get("items")
        return any(_dirty(v, items if isinstance(items, dict) else None, compiled, depth + 1,
                          blank) for v in value)
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    closed = _closed(schema)
    for key, item in value.items():
        sub = props.get(key) if props else None
        if sub is None:
            if closed:
                return True
            sub = extra if isinstance(extra, dict) else None
        if _dirty(item, sub, compiled, depth + 1, blank):
            return True
    if blank:
        for name in schema.get("required") or ():
            if _blank(value.get(name), (props or {}).get(name)):
                return True
    return False


def _closed(schema: dict[str, Any]) -> bool:
    """Whether a key the schema does not name is undeclared. Declared properties close an
    object unless ``additionalProperties`` opens it; keys matching ``patternProperties`` are
    declared by pattern, so such an object is left to the validator."""
    if "patternProperties" in schema:
        return False
    extra = schema.get("additionalProperties")
    return extra is False or ("properties" in schema and extra is None)


def _near_keys(key: str, declared: list[str]) -> list[str]:
    """The declared keys ``key`` can be a misspelling of, the closest kind only."""
    by_kind: dict[int, list[str]] = {}
    mine = folded(key)
    for name in declared:
        if mine == folded(name):
            by_kind.setdefault(_SAME_WORDS, []).append(name)
        elif spelling_edits(words(key), words(name)) is not None \
                or word_typo(mine, folded(name)) is not None:  # a typo across a word joint
            by_kind.setdefault(_TYPO, []).append(name)
    return by_kind[min(by_kind)] if by_kind else []


def _blank(value: Any, schema: Any) -> bool:
    """Whether ``value`` is empty or white-space text that ``schema`` does not list itself
    (as an enum or const member): a required value that was not given."""
    if not isinstance(value, str) or value.strip():
        return False
    if not isinstance(schema, dict):
        return True
    return value not in (schema.get("enum") or ()) and schema.get("const") != value


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    if "enum" in schema and isinstance(schema["enum"], list):
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
