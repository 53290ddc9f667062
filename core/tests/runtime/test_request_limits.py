"""Admission refuses values the store could not encode (for every surface, the SDK
included), naming the field and JSON path, and stores nothing."""

from __future__ import annotations

import pytest
from stable_harness.errors import InvalidRequestError
from stable_harness.runs import RunRequest, ToolCallRequest
from stable_harness.runs.limits import MAX_NESTING, value_problem


def nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(("value", "where"), [
    ("a\ud800b", "$"), ({"k\udc00": 1}, "$"), ([1, float("nan")], "$[1]"),
    ({"x": float("inf")}, "$.x"), (nested(MAX_NESTING + 1), "nested deeper"),
    ({1: "x"}, "not a string"), ({"x": object()}, "not a JSON value"),
])
def test_value_problems_name_the_path(value, where) -> None:
    problem = value_problem(value)
    assert problem is not None
    assert where in problem


def test_storable_values_pass() -> None:
    for value in (None, "é ✓ 🙂", nested(MAX_NESTING - 1), {"a": [1, 2.5, True, None]}):
        assert value_problem(value) is None


@pytest.mark.parametrize(("request_", "field"), [
    (RunRequest("a\ud800b"), "input"),
    (RunRequest("x", metadata={"deep": nested(200)}), "metadata"),
    (RunRequest("x", tool_call=ToolCallRequest("add", {"a": float("nan")})),
     "toolCall.arguments"),
    (RunRequest("x", idempotency_key="k\ud800"), "idempotencyKey"),
])
async def test_the_sdk_refuses_them_before_storing(rt, request_, field) -> None:
    with pytest.raises(InvalidRequestError) as info:
        await rt.start(request_)
    assert info.value.field == field
    assert await rt.store.list_runs() == []
