"""The tool gateway pipeline: one test per repair rule and per refusal code."""

from __future__ import annotations

import pytest
from stable_harness.gateway import ToolGateway, ToolRefusal, VisibleTool

SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer"},
        "ratio": {"type": "number"},
        "metric": {"type": "boolean"},
        "units": {"type": "string", "enum": ["Celsius", "Fahrenheit"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "counts": {"type": "array", "items": {"type": "integer"}},
        "where": {"type": "object", "properties": {"lat": {"type": "number"}},
                  "required": ["lat"]},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "size": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
    },
    "required": ["city"],
}
TOOLS = {name: VisibleTool(name, SCHEMA) for name in ("get_weather", "get_time")}


def check(name, args, **kw):
    return ToolGateway(**kw).check(name, args, TOOLS)


def codes(call):
    return [n.code for n in call.notes]


def test_clean_call_passes_unchanged() -> None:
    args = {"city": "Paris", "days": 3, "tags": ["a"]}
    call = check("get_weather", args)
    assert call.arguments is args
    assert call.notes == []


@pytest.mark.parametrize(("name", "code"), [
    ("Get_Weather", "name_case_or_separator"),
    ("get-weather", "name_case_or_separator"),
    ("getweather", "name_case_or_separator"),
    ("get_weathr", "name_close_spelling"),
])
def test_near_miss_names_are_repaired_among_visible_tools(name, code) -> None:
    call = check(name, {"city": "x"})
    assert call.tool == "get_weather"
    assert codes(call) == [code]


@pytest.mark.parametrize("name", ["delete_everything", "get_", "", None, 5])
def test_unknown_names_are_refused(name) -> None:
    with pytest.raises(ToolRefusal) as info:
        check(name, {"city": "x"})
    assert info.value.stage == "resolve"
    assert info.value.code in ("unknown_tool", "invalid_name")


@pytest.mark.parametrize(("name", "tools"), [
    ("GetWeather", ("getWeather", "get_weather")),
    ("get_weather", ("billing.get_weather", "crm.get_weather")),
])
def test_a_name_close_to_two_tools_is_not_guessed(name, tools) -> None:
    visible = {n: VisibleTool(n, SCHEMA) for n in tools}
    with pytest.raises(ToolRefusal) as info:
        ToolGateway().check(name, {"city": "x"}, visible)
    assert info.value.code == "ambiguous_tool"
    assert all(tool in info.value.message for tool in tools)


def test_a_different_number_is_a_different_tool() -> None:
    tools = {n: VisibleTool(n, SCHEMA) for n in ("get_data1", "get_data2")}
    with pytest.raises(ToolRefusal) as info:
        ToolGateway().check("get_data3", {"city": "x"}, tools)
    assert info.value.code == "unknown_tool"


@pytest.mark.parametrize(("raw", "code"), [
    ('{"city": "Paris"}', None),
    ('```json\n{"city": "Paris"}\n```', "code_fence"),
    ('{"city": "Paris",}', "trailing_comma"),
    ("{'city': 'Paris'}", "json5"),
    ("{city: 'Paris', // the capital\n}", "json5"),
    ("{'city': 'Paris', 'metric': True, 'note': None}", "python_literal"),
    ('"{\\"city\\": \\"Paris\\"}"', "double_encoded"),
])
def test_argument_syntax_repairs(raw, code) -> None:
    call = check("get_weather", raw)
    assert call.arguments["city"] == "Paris"
    assert codes(call) == ([code] if code else [])


@pytest.mark.parametrize(("raw", "code"), [
    ("{city: Paris", "unparseable_arguments"),
    ("[1, 2]", "arguments_not_object"),
    (42, "arguments_not_object"),
    ("{'a': (1, 2)}", "unparseable_arguments"),
])
def test_unparseable_arguments_are_refused(raw, code) -> None:
    with pytest.raises(ToolRefusal) as info:
        check("get_weather", raw)
    assert (info.value.stage, info.value.code) == ("parse", code)


@pytest.mark.parametrize(("field", "sent", "fixed", "code"), [
    ("days", "5", 5, "string_to_integer"),
    ("ratio", "0.25", 0.25, "string_to_number"),
    ("ratio", "3", 3, "string_to_number"),
    ("metric", "true", True, "string_to_boolean"),
    ("metric", "False", False, "string_to_boolean"),
    ("units", "celsius", "Celsius", "enum_case"),
    ("tags", '["a", "b"]', ["a", "b"], "json_in_string"),
    ("tags", "a", ["a"], "scalar_to_array"),
    ("counts", "7", [7], "scalar_to_array"),
    ("where", '{"lat": 1.5}', {"lat": 1.5}, "json_in_string"),
    ("size", "4", 4, "string_to_integer"),
])
def test_each_repair_rule(field, sent, fixed, code) -> None:
    call = check("get_weather", {"city": "x", field: sent})
    assert call.arguments == {"city": "x", field: fixed}
    assert code in codes(call)
    note = next(n for n in call.notes if n.code == code)
    assert (note.path, note.before, note.after) == (f"$.{field}", sent, fixed)


def test_an_integral_float_is_already_a_json_schema_integer() -> None:
    call = check("get_weather", {"city": "x", "days": 5.0})
    assert call.notes == []  # valid as sent (JSON Schema: 5.0 is an integer), left alone
    repaired = check("get_weather", {"city": "x", "days": 5.0, "tags": "a"})
    assert repaired.arguments["days"] == 5  # in a call being repaired, made an int
    assert "integral_float_to_integer" in codes(repaired)


def test_unknown_arguments_are_dropped_or_refused() -> None:
    # auto (default): an optional argument is unset, so "invented" may stand for it
    with pytest.raises(ToolRefusal) as info:
        check("get_weather", {"city": "x", "invented": 1})
    assert info.value.code == "unknown_argument"
    assert "days" in info.value.message  # the declared arguments are listed
    call = check("get_weather", {"city": "x", "invented": 1}, unknown_arguments="drop")
    assert call.arguments == {"city": "x"}
    assert codes(call) == ["unknown_argument_dropped"]
    with pytest.raises(ToolRefusal) as info:
        check("get_weather", {"city": "x", "invented": 1}, unknown_arguments="refuse")
    assert info.value.code == "unknown_argument"


@pytest.mark.parametrize(("args", "code", "path"), [
    ({}, "missing_required", "$"),
    ({"city": None}, "invalid_type", "$.city"),
    ({"city": "x", "days": "about five"}, "invalid_type", "$.days"),
    ({"city": "x", "days": 5.5}, "invalid_type", "$.days"),
    ({"city": "x", "units": "kelvin"}, "invalid_enum", "$.units"),
    ({"city": "x", "metric": "yes"}, "invalid_type", "$.metric"),
    ({"city": "x", "where": {}}, "missing_required", "$.where"),
])
def test_what_cannot_be_repaired_is_refused_and_never_invented(args, code, path) -> None:
    with pytest.raises(ToolRefusal) as info:
        check("get_weather", args)
    assert info.value.code == code
    assert any(p.path == path for p in info.value.problems)
    text = info.value.for_model()
    assert "tool_call_refused" in text
    assert path in text


def test_repairs_compose() -> None:
    call = check("GET-WEATHER", '{"city": "Rome", "days": "2", "units": "FAHRENHEIT",'
                                ' "tags": "x",}')
    assert call.tool == "get_weather"
    assert call.arguments == {"city": "Rome", "days": 2, "units": "Fahrenheit",
                              "tags": ["x"]}


def test_refs_to_defs_are_followed() -> None:
    schema = {"type": "object", "$defs": {"P": {"type": "object", "properties": {
        "n": {"type": "integer"}}, "required": ["n"]}},
        "properties": {"p": {"$ref": "#/$defs/P"}}, "required": ["p"]}
    tools = {"t": VisibleTool("t", schema)}
    call = ToolGateway().check("t", {"p": {"n": "3"}}, tools)
    assert call.arguments == {"p": {"n": 3}}


def test_a_number_sent_as_a_string_for_an_integer_enum_is_coerced() -> None:
    # found with BFCL: the enum check ran before the type coercion and refused "2"
    tools = {"svc": VisibleTool("svc", {"type": "object", "properties": {
        "id": {"type": "integer", "enum": [1, 2, 7]}}, "required": ["id"]})}
    call = ToolGateway().check("svc", {"id": "2"}, tools)
    assert call.arguments == {"id": 2}


def test_an_argument_to_a_tool_without_arguments_is_dropped() -> None:
    # found with BFCL: `properties: {}` with additionalProperties false refused instead
    tools = {"version": VisibleTool("version", {"type": "object", "properties": {},
                                                "additionalProperties": False})}
    call = ToolGateway().check("version", {"invented": 1}, tools)
    assert call.arguments == {}


def test_a_typo_is_repaired_only_inside_a_long_word() -> None:
    tools = {n: VisibleTool(n, {"type": "object"}) for n in (
        "currency.get_rate", "currency.get_latest_rate", "currency.convert")}
    assert ToolGateway().check("currency.covnert", {}, tools).tool == "currency.convert"
    with pytest.raises(ToolRefusal) as info:  # "rat" is a word of its own
        ToolGateway().check("currency.get_rat", {}, tools)
    assert info.value.code == "unknown_tool"


def test_a_tool_schema_is_compiled_once_not_per_call(monkeypatch) -> None:
    # was: every call re-serialised the whole schema to find its cached validator
    from stable_harness.gateway import schema as schema_module

    built = []
    real = schema_module.CompiledSchema.__init__

    def counting(self, schema):
        built.append(schema)
        real(self, schema)

    monkeypatch.setattr(schema_module.CompiledSchema, "__init__", counting)
    monkeypatch.setattr("json.dumps", lambda *a, **k: pytest.fail("the schema was serialised"))
    visible = {"get_weather": VisibleTool("get_weather", SCHEMA)}
    for _ in range(3):
        ToolGateway().check("get_weather", {"city": "x", "days": "2"}, visible)
    assert len(built) == 1
