"""The gateway's principles (docs/gateway.md), one test per rule: repair only where exactly
one reading loses nothing; a repaired name is confirmed by the arguments; a misspelled key is
renamed, not dropped; lossless value repairs at any depth; never guess."""

from __future__ import annotations

import pytest
from stable_harness.gateway import ToolGateway, ToolRefusal, VisibleTool


def tools(**schemas):
    return {name.replace("__", "."): VisibleTool(name.replace("__", "."), schema)
            for name, schema in schemas.items()}


def obj(required=(), **props):
    return {"type": "object", "properties": props, "required": list(required)}


STR, NUM, INT = {"type": "string"}, {"type": "number"}, {"type": "integer"}


def check(name, args, visible, **kw):
    return ToolGateway(**kw).check(name, args, visible)


def refused(name, args, visible, **kw) -> ToolRefusal:
    with pytest.raises(ToolRefusal) as info:
        check(name, args, visible, **kw)
    return info.value


def codes(call):
    return [n.code for n in call.notes]


# -- 2. a repaired name is confirmed by the arguments; never a different word -------------------

WEBSITE = {
    "website_configuration_api.WebsiteConfigurationApi.rename_website":
        VisibleTool("website_configuration_api.WebsiteConfigurationApi.rename_website",
                    obj(["websiteId", "name"], websiteId=STR, name=STR)),
    "website_configuration_api.delete_website":
        VisibleTool("website_configuration_api.delete_website", obj(["websiteId"],
                                                                    websiteId=STR)),
}


def test_a_rename_is_never_turned_into_a_delete() -> None:
    # was: the close-spelling match ran delete_website and dropped `name`
    call = check("website_configuration_api.rename_website",
                 {"websiteId": "1234", "name": "Bob"}, WEBSITE)
    assert call.tool == "website_configuration_api.WebsiteConfigurationApi.rename_website"
    assert call.arguments == {"websiteId": "1234", "name": "Bob"}
    assert codes(call) == ["name_namespace"]
    assert refused("website_configuration_api.remove_website", {"websiteId": "1"},
                   WEBSITE).code == "unknown_tool"


@pytest.mark.parametrize(("name", "tool"), [
    ("mcp__weather__get_forecast", "get_forecast"),   # MCP client prefix
    ("weather.get_forecast", "get_forecast"),
    ("functions.get_forecast", "get_forecast"),
    ("get_forecast", "weather.get_forecast"),          # the namespace left out
    ("weather/get_forecast", "weather.get_forecast"),  # another namespace separator
    ("GetForecast", "get_forecast"),
    ("get_forcast", "get_forecast"),                   # a typo inside a long word
    ("mcp__weather__get_forcast", "get_forecast"),
])
def test_near_miss_names_resolve(name, tool) -> None:
    visible = {tool: VisibleTool(tool, obj(["city"], city=STR)),
               "get_alerts": VisibleTool("get_alerts", obj(["city"], city=STR))}
    assert check(name, {"city": "Oslo"}, visible).tool == tool


@pytest.mark.parametrize(("name", "visible", "code"), [
    ("get_configs", ["get_config"], "unknown_tool"),       # a plural is another thing
    ("get_config", ["get_configs"], "unknown_tool"),
    ("set_user", ["get_user"], "unknown_tool"),             # short words: no typo repair
    ("other.get_forecast", ["weather.get_forecast"], "unknown_tool"),  # another namespace
    ("get_forecast", ["a.get_forecast", "b.get_forecast"], "ambiguous_tool"),
    ("read_file_v2", ["read_file_v1"], "unknown_tool"),
    ("delete_website", ["rename_website"], "unknown_tool"),
])
def test_names_that_differ_by_a_word_are_refused(name, visible, code) -> None:
    shown = {t: VisibleTool(t, {"type": "object"}) for t in visible}
    refusal = refused(name, {}, shown)
    assert refusal.code == code
    if code == "ambiguous_tool":
        assert all(t in refusal.message for t in visible)


def test_a_typo_resolves_to_the_one_tool_it_is_a_typo_of() -> None:
    shown = {t: VisibleTool(t, {"type": "object"}) for t in ("get_config", "get_configs")}
    assert check("get_confg", {}, shown).tool == "get_config"  # two edits from get_configs


def test_a_near_miss_name_whose_arguments_do_not_fit_is_refused() -> None:
    visible = tools(delete_file=obj(["path"], path=STR))
    refusal = refused("Delete-File", {"path": "a", "recursive": True}, visible)
    assert (refusal.stage, refusal.code) == ("resolve", "unconfirmed_tool_name")
    assert "delete_file" in refusal.message
    # with the exact name, the same call is judged by the unknown-argument rule instead
    assert check("delete_file", {"path": "a", "recursive": True}, visible).arguments == \
        {"path": "a"}


# -- 3. a misspelled key is renamed, not dropped; unknown keys dropped only when safe ------------

CIRCLE = tools(calculate_circumference=obj(["radius"], radius=NUM,
                                           unit={"type": "string", "default": "cm"}))


@pytest.mark.parametrize("key", ["Unit", "UNIT", "unit_", "_unit", " unit"])
def test_a_misspelled_optional_key_is_renamed(key) -> None:
    # was: `Unit` was dropped and the tool ran with its default unit
    call = check("calculate_circumference", {"radius": 4, key: "inches"}, CIRCLE)
    assert call.arguments == {"radius": 4, "unit": "inches"}
    assert codes(call) == ["argument_renamed"]


@pytest.mark.parametrize(("sent", "declared"), [
    ("startDate", "start_date"), ("start_date", "startDate"), ("StartDate", "start_date"),
    ("lonhitude", "longitude"), ("destinaton", "destination"), ("max-results", "max_results"),
    ("rooTmype", "roomType"),  # a typo across the joint of two words
])
def test_case_style_and_typos_map_to_the_declared_key(sent, declared) -> None:
    visible = tools(t=obj([], **{declared: STR, "other": STR}))
    assert check("t", {sent: "x"}, visible).arguments == {declared: "x"}


def test_a_key_near_two_declared_keys_is_refused() -> None:
    visible = tools(t=obj([], start_date=STR, startDate=STR))
    refusal = refused("t", {"StartDate": "x"}, visible)
    assert refusal.code == "ambiguous_argument"


def test_two_keys_for_one_declared_key_are_refused() -> None:
    refusal = refused("calculate_circumference", {"radius": 4, "Unit": "in", "unit_": "cm"},
                      CIRCLE)
    assert refusal.code == "ambiguous_argument"


def test_a_second_spelling_of_a_set_key_is_never_dropped_silently() -> None:
    # two values for one argument: two readings, even though every argument is set
    refusal = refused("calculate_circumference", {"radius": 4, "unit": "cm", "Radius": 5},
                      CIRCLE)
    assert (refusal.code, refusal.problems[0].path) == ("ambiguous_argument", "$.Radius")
    call = check("calculate_circumference", {"radius": 4, "Radius": 4}, CIRCLE)
    assert call.arguments == {"radius": 4}
    assert codes(call) == ["duplicate_argument_dropped"]


@pytest.mark.parametrize("raw", [[{"radius": 4}], '[{"radius": 4}]'])
def test_the_argument_object_in_a_one_element_array_is_unwrapped(raw) -> None:
    assert check("calculate_circumference", raw, CIRCLE).arguments == {"radius": 4}
    with pytest.raises(ToolRefusal):  # two objects are two calls: not one reading
        check("calculate_circumference", [{"radius": 4}, {"radius": 5}], CIRCLE)


def test_a_synonym_of_an_unset_optional_argument_is_refused_not_dropped() -> None:
    visible = tools(save=obj(["text"], text=STR, path=STR))
    refusal = refused("save", {"text": "hi", "filename": "notes.txt"}, visible)
    assert refusal.code == "unknown_argument"
    assert "path" in refusal.message  # the model is told what it could have meant
    problem = refusal.problems[0]
    assert problem.path == "$.filename"


def test_an_extra_key_is_dropped_when_every_declared_argument_is_set() -> None:
    visible = tools(save=obj(["text"], text=STR, path=STR))
    call = check("save", {"text": "hi", "path": "a", "verbose": True}, visible)
    assert call.arguments == {"text": "hi", "path": "a"}
    assert codes(call) == ["unknown_argument_dropped"]


@pytest.mark.parametrize(("mode", "outcome"), [
    ("auto", "refused"), ("drop", {"text": "hi"}), ("refuse", "refused")])
def test_unknown_argument_modes(mode, outcome) -> None:
    visible = tools(save=obj(["text"], text=STR, path=STR))
    args = {"text": "hi", "filename": "x"}
    if outcome == "refused":
        assert refused("save", args, visible, unknown_arguments=mode).code == "unknown_argument"
    else:
        assert check("save", args, visible, unknown_arguments=mode).arguments == outcome
    complete = {"text": "hi", "path": "p", "extra": 1}
    if mode == "refuse":
        assert refused("save", complete, visible, unknown_arguments=mode).code == \
            "unknown_argument"


LOCATION = tools(weather=obj(["location"], location=obj(["latitude"], latitude=NUM,
                                                           longitude=NUM)))


def test_keys_are_checked_at_every_depth() -> None:
    # was: an undeclared nested key passed unchanged, even under `refuse`
    call = check("weather", {"location": {"latitude": 1, "lonhitude": 151.2}}, LOCATION)
    assert call.arguments == {"location": {"latitude": 1, "longitude": 151.2}}
    for mode in ("auto", "refuse"):
        refusal = refused("weather", {"location": {"latitude": 1, "lng": 2}}, LOCATION,
                          unknown_arguments=mode)
        assert refusal.problems[0].path == "$.location.lng"


def test_keys_declared_by_pattern_are_not_undeclared() -> None:
    schema = {"type": "object", "properties": {"name": STR},
              "patternProperties": {"^x-": STR}, "additionalProperties": False}
    visible = {"t": VisibleTool("t", schema)}
    args = {"name": "a", "x-trace": "1"}
    assert check("t", args, visible).arguments is args
    assert refused("t", {"name": "a", "y": "1"}, visible).code == "unknown_argument"


def test_keys_inside_array_items_and_refs_are_checked() -> None:
    schema = {"type": "object", "$defs": {"Stop": obj(["city"], city=STR, nights=INT)},
              "properties": {"stops": {"type": "array", "items": {"$ref": "#/$defs/Stop"}}},
              "required": ["stops"]}
    visible = {"plan": VisibleTool("plan", schema)}
    call = check("plan", {"stops": [{"City": "Rome", "nights": "2"}]}, visible)
    assert call.arguments == {"stops": [{"city": "Rome", "nights": 2}]}
    assert refused("plan", {"stops": [{"city": "Rome", "days": 2}]}, visible).problems[0] \
        .path == "$.stops[0].days"


# -- 4. lossless value repairs, at any depth ------------------------------------------------------

ANY = tools(t=obj([], name=STR, unit={"type": "string", "enum": ["metric", "imperial"]},
                  n=INT, x=NUM, where=obj([], lat=NUM, label=STR),
                  items={"type": "array", "items": obj([], id=STR, qty=INT)}))


@pytest.mark.parametrize(("sent", "fixed", "code"), [
    ({"name": 5}, {"name": "5"}, "number_to_string"),
    ({"name": 2.5}, {"name": "2.5"}, "number_to_string"),
    ({"unit": " metric "}, {"unit": "metric"}, "enum_whitespace"),
    ({"unit": "Imperial"}, {"unit": "imperial"}, "enum_case"),
    ({"n": [3]}, {"n": 3}, "array_unwrapped"),
    ({"name": ["x"]}, {"name": "x"}, "array_unwrapped"),
    ({"n": "3.0"}, {"n": 3}, "string_to_integer"),
    ({"where": {"lat": "1.5", "label": 7}}, {"where": {"lat": 1.5, "label": "7"}},
     "number_to_string"),
    ({"where": "{lat: 1.5, /* north */ label: 'a'}"}, {"where": {"lat": 1.5, "label": "a"}},
     "json_in_string"),
    ({"items": [{"id": 1, "qty": "2"}]}, {"items": [{"id": "1", "qty": 2}]},
     "number_to_string"),
    ({"arguments": {"name": "x", "n": 1}}, {"name": "x", "n": 1}, "wrapper_removed"),
    ({"t": {"name": "x"}}, {"name": "x"}, "wrapper_removed"),
])
def test_value_repairs(sent, fixed, code) -> None:
    call = check("t", sent, ANY)
    assert call.arguments == fixed
    assert code in codes(call)


def test_a_wrapper_is_removed_only_when_the_inner_object_fits() -> None:
    refusal = refused("t", {"arguments": {"name": "x", "bogus": 1}}, ANY)
    assert refusal.code == "unknown_argument"


def test_echo_tool_with_a_number_runs_with_text() -> None:
    visible = tools(echo_tool=obj(["value"], value=STR))
    assert check("echo_tool", {"value": 5}, visible).arguments == {"value": "5"}


# -- 5. never guess --------------------------------------------------------------------------------

TRIP = tools(plan=obj(["stops"], stops={"type": "array", "items": STR},
                      unit={"type": "string", "enum": ["km", "mi", "Mi"]},
                      city=STR))


@pytest.mark.parametrize("text", ["Santa Barbara, Monterey", "a;b", "a\nb", "a | b"])
def test_text_is_never_split_into_an_array(text) -> None:
    # was: "Santa Barbara, Monterey" ran as one stop
    refusal = refused("plan", {"stops": text}, TRIP)
    assert refusal.code == "ambiguous_list"


@pytest.mark.parametrize("text", ["", "  "])
def test_blank_text_is_not_wrapped_into_an_array(text) -> None:
    # found by the corpus (blank_required + scalar_for_array): ran as ["  "]
    assert refused("plan", {"stops": text}, TRIP).code == "blank_value"


def test_one_item_without_separators_is_wrapped() -> None:
    assert check("plan", {"stops": "Monterey"}, TRIP).arguments == {"stops": ["Monterey"]}


@pytest.mark.parametrize("value", ["kilometres", "k m", "MI"])
def test_an_enum_value_needs_exactly_one_member_after_normalising(value) -> None:
    assert refused("plan", {"stops": ["a"], "unit": value}, TRIP).code == "invalid_enum"


@pytest.mark.parametrize("value", ["", "   ", "\n"])
def test_a_blank_required_value_is_missing(value) -> None:
    visible = tools(send=obj(["to"], to=STR))
    refusal = refused("send", {"to": value}, visible)
    assert (refusal.code, refusal.problems[0].path) == ("missing_required", "$.to")
    call = check("send", {"to": value}, visible, blank_required_is_missing=False)
    assert call.arguments == {"to": value}


def test_a_blank_value_the_schema_lists_is_kept() -> None:
    visible = tools(pad=obj(["fill"], fill={"type": "string", "enum": [" ", "0"]}))
    assert check("pad", {"fill": " "}, visible).arguments == {"fill": " "}


@pytest.mark.parametrize(("raw", "code"), [
    ('{"city": "a", "city": "b"}', "duplicate_argument"),
    ('{"stops": ["a"], "x": NaN}', "unparseable_arguments"),
    ('{"stops": ["a"]', "unparseable_arguments"),           # truncated: never completed
    ('Sure! {"stops": ["a"]}', "unparseable_arguments"),     # prose around it
])
def test_text_with_two_readings_or_none_is_refused(raw, code) -> None:
    assert refused("plan", raw, TRIP).code == code


def test_a_non_finite_number_in_an_object_is_refused() -> None:
    assert refused("t", {"x": float("inf")}, ANY).code == "invalid_number"


def test_deep_nesting_is_refused_not_a_crash() -> None:
    value: object = "x"
    for _ in range(2000):
        value = [value]
    tree = {"type": "object", "$defs": {"N": {"type": ["array", "string"],
                                              "items": {"$ref": "#/$defs/N"}}},
            "properties": {"v": {"$ref": "#/$defs/N"}}}
    visible = {"t": VisibleTool("t", tree)}
    assert refused("t", {"v": value}, visible).code == "too_deep"


@pytest.mark.parametrize("raw", [
    '{"v": ' + "[" * 100_000 + "]" * 100_000 + "}",
    {"v": "[" * 100_000 + "]" * 100_000},
])
def test_deeply_nested_text_is_refused_not_a_recursion_error(raw) -> None:
    # was: RecursionError in parsing (a 500 over HTTP, "internal error" from the CLI)
    visible = tools(t=obj([], v={"type": "array"}))
    assert refused("t", raw, visible).code == "too_deep"


def test_clean_calls_are_never_changed() -> None:
    for args in ({"stops": ["a", "b"]}, {"stops": [], "unit": "Mi", "city": "x"}):
        call = check("plan", args, TRIP)
        assert call.arguments is args
        assert call.notes == []
