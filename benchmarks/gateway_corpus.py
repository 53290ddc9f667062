"""Realistic tool-call errors, each kind labelled by construction: repairable (exactly one
reading, nothing lost: the gateway must forward the canonical call) or must-refuse (the call
as sent is wrong or could mean more than one thing: forwarding anything is a false accept
unless it is the canonical call).

Kinds come from how models fail: BFCL's own error categories (wrong function name, wrong or
missing parameters, wrong types, values outside an enum, unparseable output), the user
reports in the mission anchors (hallucinated tool names, invalid JSON, wrong types,
arguments MCP servers receive unvalidated) and model output read by hand (JavaScript-style
objects, wrapped argument objects, MCP client prefixes, case-style slips in keys, lists
written as text). A kind's label never looks at the gateway: where it depends on the call
(is a corrupted key still closest to its original?), it is decided with plain edit distance
over the tool's own names.

``apply(case, rng) -> (tool name, raw arguments, repairable) | None`` (None: the kind does
not apply to this call).
"""

from __future__ import annotations

import copy
import json
import random
import re
from dataclasses import dataclass
from typing import Any


@dataclass
class Case:
    """One canonical call and the tools visible when it was made."""

    id: str
    tool: str
    arguments: dict[str, Any]
    tools: dict[str, Any]  # name -> VisibleTool


Made = tuple[str, Any, bool] | None
SEPARATORS = re.compile(r"[,;|\n\r\t]")
VERBS = ["get", "set", "delete", "create", "update", "list", "remove", "add", "send", "find"]
SYNONYMS = ["value", "data", "param", "input_text", "query_string", "options"]
WRAPPERS = ["arguments", "parameters", "args", "input", "kwargs"]


# -- helpers ---------------------------------------------------------------------------------

def schema_of(case: Case) -> dict[str, Any]:
    return case.tools[case.tool].parameters


def props(case: Case) -> dict[str, Any]:
    return schema_of(case).get("properties", {})


def required(case: Case) -> list[str]:
    return schema_of(case).get("required", [])


def pick(case: Case, rng: random.Random, test: Any) -> str | None:
    keys = [k for k, v in case.arguments.items() if test(v, props(case).get(k, {}))]
    return rng.choice(keys) if keys else None


def with_value(case: Case, key: str, value: Any) -> dict[str, Any]:
    args = copy.deepcopy(case.arguments)
    args[key] = value
    return args


def renamed(case: Case, key: str, new: str) -> dict[str, Any]:
    return {(new if k == key else k): copy.deepcopy(v) for k, v in case.arguments.items()}


def distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def segs(name: str) -> list[str]:
    """Namespace segments, folded."""
    return [fold(p) for p in re.split(r"\.|/|:+|__+", name) if fold(p)]


def camel(name: str) -> str:
    ws = words(name)
    return ws[0] + "".join(w.capitalize() for w in ws[1:]) if ws else name


def snake(name: str) -> str:
    return "_".join(words(name))


def unique_fold(name: str, among: list[str], original: str) -> bool:
    """No name but ``original`` among ``among`` is spelled ``name`` ignoring case/separators."""
    return all(fold(other) != fold(name) for other in among if other != original)


def unique_nearest(name: str, among: list[str], original: str) -> bool:
    """``original`` is strictly the nearest of ``among`` to ``name`` by edit distance, and
    no other is within 2 edits."""
    mine = distance(fold(name), fold(original))
    return all(distance(fold(name), fold(o)) > max(mine, 2) for o in among if o != original)


def transpose_inside(word: str, rng: random.Random) -> str | None:
    """``word`` with two adjacent inner letters swapped (first and last letters kept)."""
    spots = [i for i in range(1, len(word) - 2) if word[i] != word[i + 1]]
    if len(word) < 6 or not spots:
        return None
    i = rng.choice(spots)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def is_scalar_string_enum(schema: dict[str, Any]) -> bool:
    return isinstance(schema.get("enum"), list) and all(isinstance(m, str) for m in schema["enum"])


def normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def nested_objects(case: Case) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(key, value, schema) of object arguments whose schema declares properties."""
    return [(k, v, props(case)[k]) for k, v in case.arguments.items()
            if isinstance(v, dict) and v and props(case).get(k, {}).get("properties")]


# -- the original BFCL operators (issue 5), relabelled by construction -------------------------

def op_int_as_str(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") == "integer" and isinstance(v, int)
             and not isinstance(v, bool))
    return None if k is None else (case.tool, with_value(case, k, str(case.arguments[k])), True)


def op_float_as_str(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") == "number"
             and isinstance(v, int | float) and not isinstance(v, bool))
    return None if k is None else (case.tool, with_value(case, k, str(case.arguments[k])), True)


def op_bool_as_str(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") == "boolean" and isinstance(v, bool))
    return None if k is None else (
        case.tool, with_value(case, k, str(case.arguments[k]).lower()), True)


def op_nested_as_json_str(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") in ("object", "array")
             and isinstance(v, dict | list))
    return None if k is None else (
        case.tool, with_value(case, k, json.dumps(case.arguments[k])), True)


def op_double_encoded(case, rng) -> Made:
    return case.tool, json.dumps(json.dumps(case.arguments)), True


def op_scalar_for_array(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") == "array" and isinstance(v, list)
             and len(v) == 1 and not isinstance(v[0], list | dict))
    if k is None:
        return None
    item = case.arguments[k][0]
    # text that holds a list separator could be several items: one reading only without one
    return case.tool, with_value(case, k, item), not (isinstance(item, str)
                                                      and SEPARATORS.search(item))


def op_enum_wrong_case(case, rng) -> Made:
    def ok(v, s):
        if not (isinstance(v, str) and is_scalar_string_enum(s) and v.swapcase() != v):
            return False
        return sum(1 for m in s["enum"] if normal(m) == normal(v)) == 1
    k = pick(case, rng, ok)
    return None if k is None else (case.tool, with_value(case, k, case.arguments[k].swapcase()),
                                   True)


def op_trailing_comma(case, rng) -> Made:
    return None if not case.arguments else (case.tool, json.dumps(case.arguments)[:-1] + ",}",
                                            True)


def op_single_quotes(case, rng) -> Made:
    return None if not case.arguments else (case.tool, repr(case.arguments), True)


def op_missing_required(case, rng) -> Made:
    keys = [k for k in required(case) if k in case.arguments]
    if not keys:
        return None
    args = copy.deepcopy(case.arguments)
    del args[rng.choice(keys)]
    return case.tool, args, False


def op_unparseable_value(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") in ("integer", "number")
             and not isinstance(v, bool))
    return None if k is None else (
        case.tool, with_value(case, k, f"about {case.arguments[k]}"), False)


def op_null_required(case, rng) -> Made:
    keys = [k for k in required(case) if k in case.arguments
            and "type" in props(case).get(k, {})
            and "null" not in str(props(case)[k].get("type"))]
    return None if not keys else (case.tool, with_value(case, rng.choice(keys), None), False)


def _hallucinated(case: Case) -> tuple[dict[str, Any], bool]:
    args = with_value(case, "hallucinated_parameter", "value")
    # only when every declared argument is set can the extra one stand for nothing
    return args, all(k in case.arguments for k in props(case))


def op_extra_arg(case, rng) -> Made:
    args, complete = _hallucinated(case)
    return case.tool, args, complete


# -- names -------------------------------------------------------------------------------------

def _name_variant(case: Case, name: str) -> Made:
    if name == case.tool or name in case.tools:
        return None
    return case.tool, case.arguments, unique_fold(name, list(case.tools), case.tool)


def op_name_upper(case, rng) -> Made:
    return _name_variant(case, case.tool.upper())


def op_name_camel(case, rng) -> Made:
    base = case.tool.rsplit(".", 1)
    base[-1] = camel(base[-1])
    return _name_variant(case, ".".join(base))


def op_name_kebab(case, rng) -> Made:
    return _name_variant(case, case.tool.replace("_", "-"))


def op_name_client_prefix(case, rng) -> Made:
    """What MCP and function-calling clients put before a tool's name."""
    server = words(case.tool)[0] if words(case.tool) else "server"
    prefix = rng.choice([f"mcp__{server}__", f"{server}.", "functions.", "default_api."])
    name = prefix + case.tool
    if name in case.tools:
        return None
    # another reading: a tool whose whole name is also a trailing run of segments of `name`
    mine = segs(name)
    others = [segs(t) for t in case.tools if t != case.tool]
    return name, case.arguments, all(mine[-len(o):] != o for o in others if o)


def op_name_namespace_dropped(case, rng) -> Made:
    if "." not in case.tool:
        return None
    name = case.tool.rsplit(".", 1)[-1]
    if name in case.tools:
        return None
    others = [t for t in case.tools if t != case.tool]
    return name, case.arguments, all(segs(o)[-1:] != segs(name) for o in others)


def op_name_typo(case, rng) -> Made:
    parts = re.split(r"([_.\-])", case.tool)
    spots = [i for i, p in enumerate(parts) if len(p) >= 6 and p.isalpha()]
    if not spots:
        return None
    i = rng.choice(spots)
    typo = transpose_inside(parts[i], rng)
    if typo is None:
        return None
    parts[i] = typo
    name = "".join(parts)
    if name in case.tools:
        return None
    return case.tool, case.arguments, unique_nearest(name, list(case.tools), case.tool)


def op_name_other_verb(case, rng) -> Made:
    """Another action on the same object (rename -> delete): never the same tool."""
    ws = words(case.tool.rsplit(".", 1)[-1])
    if not ws or ws[0] not in VERBS:
        return None
    verb = rng.choice([v for v in VERBS if v != ws[0]])
    head, dot, base = case.tool.rpartition(".")
    new_base = re.sub(rf"^{re.escape(base[:len(ws[0])])}", verb, base, count=1)
    name = head + dot + new_base
    if name in case.tools:  # a real other tool: a valid call nobody can tell from intent
        return None
    return name, case.arguments, False


# -- keys ----------------------------------------------------------------------------------------

def _key_variant(case: Case, rng: random.Random, make: Any, *, typo: bool = False) -> Made:
    keys = list(case.arguments)
    rng.shuffle(keys)
    declared = list(props(case))
    for key in keys:
        new = make(key, rng)
        if not new or new == key or new in declared or new in case.arguments:
            continue
        unset_or_self = [d for d in declared if d not in case.arguments or d == key]
        one = unique_nearest(new, unset_or_self, key) if typo else \
            unique_fold(new, unset_or_self, key)
        return case.tool, renamed(case, key, new), one
    return None


def op_key_capitalised(case, rng) -> Made:
    return _key_variant(case, rng, lambda k, r: k[:1].upper() + k[1:])


def op_key_case_style(case, rng) -> Made:
    return _key_variant(case, rng, lambda k, r: camel(k) if "_" in k else
                        (snake(k) if len(words(k)) > 1 else None))


def op_key_separator_affix(case, rng) -> Made:
    return _key_variant(case, rng, lambda k, r: r.choice([k + "_", "_" + k]))


def op_key_typo(case, rng) -> Made:
    def make(key, r):
        parts = re.split(r"([_\-])", key)
        spots = [i for i, p in enumerate(parts) if len(p) >= 6 and p.isalpha()]
        if not spots:
            return None
        i = r.choice(spots)
        typo = transpose_inside(parts[i], r)
        return None if typo is None else "".join([*parts[:i], typo, *parts[i + 1:]])
    return _key_variant(case, rng, make, typo=True)


def op_key_synonym(case, rng) -> Made:
    """A set argument sent under another name: dropping it would run the tool without it."""
    declared = set(props(case))
    key = pick(case, rng, lambda v, s: True)
    names = [s for s in SYNONYMS if s not in declared and fold(s) not in map(fold, declared)]
    if key is None or not names:
        return None
    return case.tool, renamed(case, key, rng.choice(names)), False


def op_nested_key_capitalised(case, rng) -> Made:
    found = nested_objects(case)
    if not found:
        return None
    key, value, schema = rng.choice(found)
    inner = rng.choice(list(value))
    new = inner[:1].upper() + inner[1:]
    if new == inner or new in schema["properties"]:
        return None
    unset = [d for d in schema["properties"] if d not in value or d == inner]
    moved = {(new if k == inner else k): v for k, v in value.items()}
    return case.tool, with_value(case, key, moved), unique_fold(new, unset, inner)


def op_nested_extra_key(case, rng) -> Made:
    found = nested_objects(case)
    if not found:
        return None
    key, value, schema = rng.choice(found)
    complete = all(p in value for p in schema["properties"])
    return case.tool, with_value(case, key, {**value, "hallucinated_field": 1}), complete


# -- values ----------------------------------------------------------------------------------------

def op_number_for_string(case, rng) -> Made:
    def numeric_text(v, s):
        if s.get("type") != "string" or not isinstance(v, str) or "enum" in s:
            return False
        try:
            number = json.loads(v)
        except ValueError:
            return False
        return isinstance(number, int | float) and not isinstance(number, bool) \
            and json.dumps(number) == v
    k = pick(case, rng, numeric_text)
    return None if k is None else (case.tool, with_value(case, k, json.loads(case.arguments[k])),
                                   True)


def op_enum_whitespace(case, rng) -> Made:
    def ok(v, s):
        return isinstance(v, str) and is_scalar_string_enum(s) and \
            sum(1 for m in s["enum"] if normal(m) == normal(v)) == 1
    k = pick(case, rng, ok)
    return None if k is None else (case.tool, with_value(case, k, f" {case.arguments[k]} "),
                                   True)


def op_enum_not_member(case, rng) -> Made:
    """A value near an enum member but none of them (a truncation or another word)."""
    def ok(v, s):
        return isinstance(v, str) and is_scalar_string_enum(s) and len(v) > 3
    k = pick(case, rng, ok)
    if k is None:
        return None
    members = {normal(m) for m in props(case)[k]["enum"]}
    value = rng.choice([case.arguments[k][:-1], case.arguments[k] + " units",
                        "the " + case.arguments[k]])
    return None if normal(value) in members else (case.tool, with_value(case, k, value), False)


def op_scalar_in_array(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") in ("string", "integer", "number",
                                                        "boolean") and not isinstance(v, list))
    return None if k is None else (case.tool, with_value(case, k, [case.arguments[k]]), True)


def op_several_for_scalar(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") in ("string", "integer", "number")
             and not isinstance(v, list | bool))
    return None if k is None else (
        case.tool, with_value(case, k, [case.arguments[k], case.arguments[k]]), False)


def op_list_as_text(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") == "array" and isinstance(v, list)
             and len(v) >= 2 and all(isinstance(x, str) for x in v))
    return None if k is None else (
        case.tool, with_value(case, k, ", ".join(case.arguments[k])), False)


def op_blank_required(case, rng) -> Made:
    keys = [k for k in required(case) if isinstance(case.arguments.get(k), str)
            and case.arguments[k].strip() and "" not in props(case).get(k, {}).get("enum", [])]
    return None if not keys else (case.tool, with_value(case, rng.choice(keys),
                                                        rng.choice(["", "  "])), False)


def op_integral_text_for_integer(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") == "integer" and isinstance(v, int)
             and not isinstance(v, bool) and abs(v) < 2 ** 50)
    return None if k is None else (
        case.tool, with_value(case, k, rng.choice([f"{case.arguments[k]}.0",
                                                   f" {case.arguments[k]} "])), True)


def op_fraction_for_integer(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") == "integer" and isinstance(v, int)
             and not isinstance(v, bool))
    return None if k is None else (case.tool, with_value(case, k, case.arguments[k] + 0.5),
                                   False)


def op_bool_as_word(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") == "boolean" and isinstance(v, bool))
    if k is None:
        return None
    word = rng.choice(["yes", "no", "on", "off", 1, 0, "enabled"])
    return case.tool, with_value(case, k, word), False


def op_object_for_scalar(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") in ("string", "integer", "number")
             and not isinstance(v, list | dict | bool))
    return None if k is None else (
        case.tool, with_value(case, k, {"value": case.arguments[k]}), False)


def op_not_a_number(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: s.get("type") == "number" and not isinstance(v, bool))
    if k is None:
        return None
    text = json.dumps(case.arguments).replace(json.dumps(k) + ": " +
                                              json.dumps(case.arguments[k]),
                                              json.dumps(k) + ": NaN", 1)
    return None if "NaN" not in text else (case.tool, text, False)


# -- the argument object as a whole ------------------------------------------------------------

def op_wrapped_arguments(case, rng) -> Made:
    wrapper = rng.choice([*WRAPPERS, case.tool, case.tool.rsplit(".", 1)[-1]])
    declared = list(props(case))
    if not case.arguments or wrapper in declared:
        return None
    one = all(fold(wrapper) != fold(d) for d in declared)  # not a declared key misspelt
    return case.tool, {wrapper: copy.deepcopy(case.arguments)}, one


def _js(value: Any) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{k if re.fullmatch(r'[A-Za-z_$][A-Za-z0-9_$]*', k) else json.dumps(k)}"
                          f": {_js(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_js(v) for v in value) + "]"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"
    return json.dumps(value)


def op_js_object_text(case, rng) -> Made:
    """Unquoted keys, single quotes, a comment: what models copy from JavaScript."""
    if not case.arguments:
        return None
    text = _js(case.arguments)
    return case.tool, text[:-1] + ", // done\n}", True


def op_code_fence(case, rng) -> Made:
    return case.tool, "```json\n" + json.dumps(case.arguments, indent=2) + "\n```", True


def op_truncated_json(case, rng) -> Made:
    text = json.dumps(case.arguments)
    if len(text) < 12:
        return None
    return case.tool, text[:rng.randrange(2, len(text) - 2)], False


def op_prose_around_json(case, rng) -> Made:
    return case.tool, "Here are the arguments: " + json.dumps(case.arguments), False


def op_duplicate_key(case, rng) -> Made:
    k = pick(case, rng, lambda v, s: isinstance(v, str | int | float) and not isinstance(v, bool))
    if k is None:
        return None
    other = json.dumps(f"{case.arguments[k]}x" if isinstance(case.arguments[k], str)
                       else case.arguments[k] + 1)
    text = json.dumps(case.arguments)[:-1] + f", {json.dumps(k)}: {other}}}"
    return case.tool, text, False


KINDS: list[tuple[str, str, Any]] = [  # (name, family, apply)
    ("int_as_str", "bfcl", op_int_as_str), ("float_as_str", "bfcl", op_float_as_str),
    ("bool_as_str", "bfcl", op_bool_as_str),
    ("nested_as_json_str", "bfcl", op_nested_as_json_str),
    ("double_encoded", "bfcl", op_double_encoded),
    ("scalar_for_array", "bfcl", op_scalar_for_array),
    ("enum_wrong_case", "bfcl", op_enum_wrong_case),
    ("trailing_comma", "bfcl", op_trailing_comma), ("single_quotes", "bfcl", op_single_quotes),
    ("extra_arg", "bfcl", op_extra_arg), ("missing_required", "bfcl", op_missing_required),
    ("unparseable_value", "bfcl", op_unparseable_value),
    ("null_required", "bfcl", op_null_required),
    ("name_upper", "name", op_name_upper), ("name_camel", "name", op_name_camel),
    ("name_kebab", "name", op_name_kebab), ("name_client_prefix", "name", op_name_client_prefix),
    ("name_namespace_dropped", "name", op_name_namespace_dropped),
    ("name_typo", "name", op_name_typo), ("name_other_verb", "name", op_name_other_verb),
    ("key_capitalised", "key", op_key_capitalised), ("key_case_style", "key", op_key_case_style),
    ("key_separator_affix", "key", op_key_separator_affix), ("key_typo", "key", op_key_typo),
    ("key_synonym", "key", op_key_synonym),
    ("nested_key_capitalised", "key", op_nested_key_capitalised),
    ("nested_extra_key", "key", op_nested_extra_key),
    ("number_for_string", "value", op_number_for_string),
    ("enum_whitespace", "value", op_enum_whitespace),
    ("enum_not_member", "value", op_enum_not_member),
    ("scalar_in_array", "value", op_scalar_in_array),
    ("several_for_scalar", "value", op_several_for_scalar),
    ("list_as_text", "value", op_list_as_text), ("blank_required", "value", op_blank_required),
    ("integral_text_for_integer", "value", op_integral_text_for_integer),
    ("fraction_for_integer", "value", op_fraction_for_integer),
    ("bool_as_word", "value", op_bool_as_word),
    ("object_for_scalar", "value", op_object_for_scalar),
    ("not_a_number", "syntax", op_not_a_number),
    ("wrapped_arguments", "syntax", op_wrapped_arguments),
    ("js_object_text", "syntax", op_js_object_text), ("code_fence", "syntax", op_code_fence),
    ("truncated_json", "syntax", op_truncated_json),
    ("prose_around_json", "syntax", op_prose_around_json),
    ("duplicate_key", "syntax", op_duplicate_key),
]
# Kinds that rewrite the whole text or the name cannot be stacked on another kind.
NOT_STACKABLE = {"double_encoded", "trailing_comma", "single_quotes", "not_a_number",
                 "wrapped_arguments", "js_object_text", "code_fence", "truncated_json",
                 "prose_around_json", "duplicate_key"}
