"""The scripted model: a real LangChain chat model playing back a YAML script."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from pydantic import ValidationError
from stable_harness.builtin.config import ScriptedModelConfig
from stable_harness.builtin.scripted_model import ScriptExhaustedError, make_scripted_model

SCRIPT = {"turns": [
    {"text": "Looking up {{ input }}.", "toolCalls": [
        {"name": "lookup", "args": {"query": "{{ input }}", "limit": 3}}]},
    {"text": "Found: {{ last_tool_result }} (turn {{ turn }})"},
]}


def model(script=SCRIPT, name="m"):
    return make_scripted_model(ScriptedModelConfig.model_validate(script), name=name)


def test_turns_follow_the_conversation_not_a_counter() -> None:
    m = model()
    first = m.invoke([HumanMessage("tea")])
    assert first.content == "Looking up tea."
    assert first.tool_calls[0]["name"] == "lookup"
    assert first.tool_calls[0]["args"] == {"query": "tea", "limit": 3}
    history = [HumanMessage("tea"), first,
               ToolMessage("green", tool_call_id=first.tool_calls[0]["id"])]
    assert m.invoke(history).content == "Found: green (turn 2)"
    # asking again with the same conversation gives the same answer and the same call ids
    assert m.invoke([HumanMessage("tea")]).tool_calls[0]["id"] == first.tool_calls[0]["id"]
    # a new user message starts the script again
    again = m.invoke([*history, AIMessage("Found: green"), HumanMessage("coffee")])
    assert again.tool_calls[0]["args"]["query"] == "coffee"


def test_call_ids_differ_between_conversations_and_models() -> None:
    a = model().invoke([HumanMessage("x")]).tool_calls[0]["id"]
    b = model().invoke([HumanMessage("y")]).tool_calls[0]["id"]
    c = model(name="other").invoke([HumanMessage("x")]).tool_calls[0]["id"]
    assert len({a, b, c}) == 3


async def test_streams_tokens_then_tool_calls_then_usage() -> None:
    chunks = [c async for c in model().astream([HumanMessage("tea")])]
    texts = [c.content for c in chunks if c.content]
    assert texts == ["Looking ", "up ", "tea."]
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert merged.tool_calls[0]["args"] == {"query": "tea", "limit": 3}
    assert merged.usage_metadata["output_tokens"] == 4


def test_bind_tools_accepts_langchain_tools() -> None:
    from langchain_core.tools import tool

    @tool
    def lookup(query: str) -> str:
        """Look something up."""
        return query

    bound = model().bind_tools([lookup])
    assert bound.bound_tools == ["lookup"]
    assert bound.invoke([HumanMessage("q")]).tool_calls[0]["name"] == "lookup"


def test_an_exhausted_script_says_what_to_do() -> None:
    m = model({"turns": [{"text": "only"}]})
    with pytest.raises(ScriptExhaustedError, match=r"has 1 turn.*asks for turn 2.*add a turn"):
        m.invoke([HumanMessage("a"), AIMessage("only")])


@pytest.mark.parametrize(("script", "message"), [
    ({"turns": []}, "at least 1 item"),
    ({"turns": [{}]}, "a turn needs `text`, `toolCalls`, or both"),
    ({"turns": [{"text": "{{ inptu }}"}]}, "unknown placeholder {{ inptu }}"),
    ({"turns": [{"toolCalls": [{"name": "t", "args": {"a": ["{{ nope }}"]}}]}]},
     "unknown placeholder {{ nope }}"),
    ({"turns": [{"text": "x"}], "tokenLatencyMs": -1}, "greater than or equal to 0"),
])
def test_bad_scripts_are_rejected_at_validation(script, message) -> None:
    with pytest.raises(ValidationError, match=message):
        ScriptedModelConfig.model_validate(script)


async def test_token_latency_is_applied(monkeypatch) -> None:
    import asyncio

    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    m = model({"turns": [{"text": "a b c"}], "tokenLatencyMs": 25})
    _ = [c async for c in m.astream([HumanMessage("x")])]
    assert slept
    assert all(s == pytest.approx(0.025) for s in slept)
