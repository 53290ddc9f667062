"""Streaming, interrupts, cancel and double texting through the official ``langgraph-sdk``:
every stream mode on the scaffold's agents (LangGraph and DeepAgents) and on user graphs."""

from __future__ import annotations

import asyncio

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import ConflictError

pytestmark = pytest.mark.slow

MODES = ["values", "updates", "messages-tuple", "messages", "events", "custom", "debug",
         "tasks", "checkpoints"]


def say(text: str) -> dict:
    return {"messages": [{"role": "user", "content": text}]}


async def parts(client, thread_id, assistant, **kwargs) -> list:
    return [p async for p in client.runs.stream(thread_id, assistant, **kwargs)]


def events(found: list) -> list[str]:
    return [p.event for p in found]


@pytest.mark.parametrize("agent", ["assistant", "orchestra"])
async def test_every_stream_mode_on_the_scaffold_agents(url: str, agent: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    found = await parts(client, tid, agent, input=say("hello"), stream_mode=MODES)
    names = events(found)
    assert names[0] == "metadata"
    assert names[-1] == "end"
    assert found[0].data["run_id"]
    for mode in ("values", "updates", "messages", "events", "debug", "tasks", "checkpoints",
                 "messages/metadata", "messages/partial", "messages/complete"):
        assert mode in names, mode
    final = [p.data for p in found if p.event == "values"][-1]
    assert final["messages"][-1]["content"] == "echo_tool said: hello"
    streamed = "".join(p.data[0]["content"] for p in found if p.event == "messages"
                       and p.data[0]["type"] == "AIMessageChunk"
                       and isinstance(p.data[0]["content"], str))
    assert "echo_tool said: hello" in streamed
    assert any(p.data.get("event") == "on_chat_model_stream" for p in found
               if p.event == "events")
    state = await client.threads.get_state(tid)
    assert state["values"]["messages"][-1]["content"] == "echo_tool said: hello"


async def test_a_user_graph_streams_its_subgraphs_and_custom_events(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    flat = await parts(client, tid, "steps", input={"topic": "t"},
                       stream_mode=["updates", "custom"])
    assert [p.data for p in flat if p.event == "updates"] == [
        {"plan": {"steps": ["plan t"]}}, {"work": {"topic": "t", "done": "acted on t"}}]
    assert not any(p.event == "custom" for p in flat)  # written inside the subgraph
    nested = await parts(client, tid, "steps", input={"topic": "u"},
                         stream_mode=["updates", "custom"], stream_subgraphs=True)
    inner = [p for p in nested if p.event.startswith("custom|work:")]
    assert [p.data for p in inner] == [{"progress": "acting"}]
    assert any(p.event.startswith("updates|work:") for p in nested)


async def test_every_stream_mode_on_a_user_state_graph(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    found = await parts(client, tid, "steps", input={"topic": "t"}, stream_mode=MODES,
                        stream_subgraphs=True)
    root = {p.event for p in found if "|" not in p.event}
    inner = {p.event.split("|")[0] for p in found if "|" in p.event}
    assert {"metadata", "values", "updates", "events", "debug", "tasks", "checkpoints",
            "end"} <= root
    assert {"values", "updates", "custom", "debug", "tasks", "checkpoints"} <= inner
    assert [p.data for p in found if p.event == "values"][-1] == {
        "topic": "t", "steps": ["plan t"], "done": "acted on t"}


async def test_configurable_and_metadata_reach_the_graph(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    out = await client.runs.wait(tid, "seen", input={},
                                 config={"configurable": {"user": "ada",
                                                          "thread_id": "not-ours"}},
                                 metadata={"tag": "t-1"})
    assert out == {"user": "ada", "run_meta": "t-1"}
    assistant = await client.assistants.create("seen",
                                               config={"configurable": {"user": "bob"}})
    out = await client.runs.wait(tid, assistant["assistant_id"], input={})
    assert out["user"] == "bob"  # the assistant's config, under the request's


async def test_a_graph_interrupt_is_resumed_with_a_command(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    paused = await parts(client, tid, "review", input={"draft": "x"},
                         stream_mode=["values", "updates"])
    interrupt = [p.data for p in paused if p.event == "updates"][-1]["__interrupt__"][0]
    assert interrupt["value"] == {"question": "publish?", "draft": "draft of x"}
    thread = await client.threads.get(tid)
    assert thread["status"] == "interrupted"
    assert [i["value"] for i in next(iter(thread["interrupts"].values()))] == [
        interrupt["value"]]
    run = (await client.runs.list(tid))[0]
    assert run["status"] == "interrupted"
    resumed = await parts(client, tid, "review", command={"resume": "ship it"})
    assert [p.data for p in resumed if p.event == "values"][-1]["verdict"] == "ship it"
    assert (await client.threads.get(tid))["status"] == "idle"
    with pytest.raises(ConflictError):  # nothing left to resume
        await client.runs.create(tid, "review", command={"resume": "again"})


@pytest.mark.parametrize(("decision", "expected"), [
    ({"type": "approve"}, "echo_tool said: hello"),
    ({"type": "edit", "edited_action": {"name": "echo_tool", "args": {"value": "EDITED"}}},
     "EDITED"),
    ({"type": "reject", "message": "not now"}, "not now"),
])
async def test_human_in_the_loop_decisions_go_through_the_runtime(url: str, decision: dict,
                                                                  expected: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    paused = await client.runs.wait(tid, "gated", input=say("hello"))
    request = paused["__interrupt__"][0]["value"]
    assert request["action_requests"][0]["args"] == {"value": "hello"}
    run = (await client.runs.list(tid))[0]
    out = await client.runs.wait(tid, "gated", command={"resume": {"decisions": [decision]}})
    assert expected in str(out["messages"][-2:])
    got = await client.runs.get(tid, run["run_id"])
    assert got["status"] == "success"


async def test_a_runtime_approval_shows_as_an_interrupt(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    paused = await parts(client, tid, "pygated", input="hi", stream_mode=["values"])
    assert [p.data for p in paused if p.event == "values"][-1]["__interrupt__"][0][
        "value"] == {"tool": "echo_tool", "args": {"value": "hi"}}
    assert (await client.threads.get(tid))["status"] == "interrupted"
    rejected = await client.runs.wait(tid, "pygated",
                                      command={"resume": {"decision": "reject",
                                                          "message": "no"}})
    assert rejected["messages"][-1]["content"] == "refused: no"


async def test_cancel_interrupt_keeps_the_state_and_rollback_drops_it(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "one", input=say("kept"))
    before = (await client.threads.get_state(tid))["checkpoint"]["checkpoint_id"]
    slow = await client.runs.create(tid, "slow", input=say("zz"))
    await _holding(client, tid, "zz")
    cancelled = await client.runs.cancel(tid, slow["run_id"], wait=True, action="interrupt")
    assert cancelled["status"] == "interrupted"
    state = await client.threads.get_state(tid)
    assert [m["content"] for m in state["values"]["messages"]] == ["kept", "ok: kept", "zz"]
    again = await client.runs.create(tid, "slow", input=say("yy"))
    await _holding(client, tid, "yy")
    await client.runs.cancel(tid, again["run_id"], wait=True, action="rollback")
    state = await client.threads.get_state(tid)
    assert [m["content"] for m in state["values"]["messages"]] == ["kept", "ok: kept", "zz"]
    history = await client.threads.get_history(tid, limit=100)
    assert not any("yy" in str(h["values"]) for h in history)
    assert before in {h["checkpoint"]["checkpoint_id"] for h in history}


async def _holding(client, thread_id: str, text: str) -> None:
    """Until the thread's state holds ``text`` (the running run's input checkpoint)."""
    for _ in range(400):
        if text in str((await client.threads.get_state(thread_id))["values"]):
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"thread {thread_id} never held {text!r}")


async def _until(client, thread_id: str, run_id: str, status: str) -> None:
    for _ in range(400):
        if (await client.runs.get(thread_id, run_id))["status"] == status:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"run {run_id} never became {status}")


@pytest.mark.parametrize("strategy", ["reject", "enqueue", "interrupt", "rollback"])
async def test_multitask_strategies_are_the_busy_session_policy(url: str,
                                                                strategy: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    first = await client.runs.create(tid, "slow", input=say("first"))
    await _holding(client, tid, "first")
    if strategy == "reject":
        with pytest.raises(ConflictError):
            await client.runs.create(tid, "one", input=say("second"),
                                     multitask_strategy="reject")
        await client.runs.cancel(tid, first["run_id"], wait=True)
        return
    second = await client.runs.create(tid, "one", input=say("second"),
                                      multitask_strategy=strategy)
    if strategy == "enqueue":
        assert second["status"] == "pending"
        await client.runs.cancel(tid, first["run_id"], wait=True)
    out = await client.runs.join(tid, second["run_id"])
    first_now = await client.runs.get(tid, first["run_id"])
    assert first_now["status"] == "interrupted"
    contents = [m["content"] for m in out["messages"]]
    assert contents[-2:] == ["second", "ok: second"]
    # interrupt keeps what the first run did; rollback drops it
    assert ("first" in contents) is (strategy != "rollback")


async def test_a_streamed_secret_never_leaves_the_server(url: str, monkeypatch) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    found = await parts(client, tid, "leaky", input=say("tell me"),
                        stream_mode=["messages-tuple", "values", "updates"])
    streamed = "".join(p.data[0]["content"] for p in found if p.event == "messages")
    assert "[secret:LG_TEST_SECRET]" in streamed
    everything = repr([p.data for p in found])
    assert SECRET not in everything
    assert SECRET not in streamed


SECRET = "lgsecret-9f8e7d6c5b4a"


@pytest.fixture(autouse=True)
def _secret(monkeypatch) -> None:
    monkeypatch.setenv("LG_TEST_SECRET", SECRET)


async def test_a_goto_and_update_command_passes_through(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "steps", input={"topic": "first"})
    out = await client.runs.wait(tid, "steps",
                                 command={"update": {"topic": "again"}, "goto": "plan"})
    assert out["steps"] == ["plan first", "plan again"]
    assert out["done"] == "acted on again"
