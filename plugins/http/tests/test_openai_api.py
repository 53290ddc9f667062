"""The OpenAI-compatible API, with the official ``openai`` client (strict response validation)
as the oracle, against a real loopback server."""

from __future__ import annotations

import json
import time

import httpx
import openai
import pytest


def sync_client(served, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=served.urls["openaiCompatible"] + "/v1", api_key=key,
                         max_retries=0, _strict_response_validation=True)


def async_client(served, key: str = "unused") -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=served.urls["openaiCompatible"] + "/v1", api_key=key,
                              max_retries=0, _strict_response_validation=True)


USER = [{"role": "user", "content": "hello"}]


def test_models_are_the_agents(served):
    models = sync_client(served).models.list()
    assert [m.id for m in models.data] == ["chat", "echo", "gated", "slow"]


async def test_async_client_models_and_completion(served):
    client = async_client(served)
    assert len((await client.models.list()).data) == 4
    answer = await client.chat.completions.create(model="echo", messages=USER)
    assert answer.choices[0].message.content == "You said: user: hello"


def test_completion_maps_to_a_runtime_request(served):
    answer = sync_client(served).chat.completions.create(
        model="echo", messages=[{"role": "system", "content": "be brief"}, *USER],
        tools=[{"type": "function", "function": {"name": "client_tool", "parameters": {}}}],
        tool_choice="auto")  # client tools are ignored, never executed
    assert answer.choices[0].message.content == "You said: system: be brief\n\nuser: hello"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage is not None
    assert answer.usage.total_tokens == 0
    run_id = answer.model_extra["stable_harness"]["runId"]
    run = served.call(served.runtime.get_run(run_id))
    assert run.metadata == {"protocol": "openai-compatible"}
    assert run.agent == "echo"


def test_image_parts_are_flattened(served):
    answer = sync_client(served).chat.completions.create(model="echo", messages=[
        {"role": "user", "content": [{"type": "text", "text": "look"},
                                     {"type": "image_url",
                                      "image_url": {"url": "https://example.com/a.png"}}]}])
    assert answer.choices[0].message.content == \
        "You said: user: look\n[image:https://example.com/a.png]"


def test_streaming_with_usage(served):
    stream = sync_client(served).chat.completions.create(
        model="echo", messages=USER, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: user: hello"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    progress = [c.model_extra["stable_harness"] for c in chunks
                if c.model_extra.get("stable_harness", {}).get("phase")]
    assert [(p["tool"], p["phase"]) for p in progress] == [("echo_tool", "started"),
                                                           ("echo_tool", "completed")]


def test_progress_is_separate_sse_events_and_ends_with_done(served):
    body = {"model": "echo", "messages": USER, "stream": True}
    with httpx.stream("POST", served.urls["openaiCompatible"] + "/v1/chat/completions",
                      json=body, timeout=30) as r:
        lines = [line for line in r.iter_lines() if line]
    events = [line.split(": ", 1)[1] for line in lines if line.startswith("event: ")]
    assert "stable_harness.tool.progress" in events
    assert "stable_harness.progress.narration" in events
    assert lines[-1] == "data: [DONE]"
    assert r.headers["x-stable-harness-run"].startswith("run_")


def test_without_include_usage_no_usage_chunk(served):
    chunks = list(sync_client(served).chat.completions.create(model="echo", messages=USER,
                                                              stream=True))
    assert all(c.usage is None and c.choices for c in chunks)


def test_multi_turn_session_by_header_and_by_user(served):
    client = sync_client(served)
    first = client.chat.completions.with_raw_response.create(model="chat", messages=USER)
    session = first.headers["x-stable-harness-session"]
    history = [*USER, {"role": "assistant", "content": first.parse().choices[0].message.content},
               {"role": "user", "content": "and again"}]
    second = client.chat.completions.create(
        model="chat", messages=history, extra_headers={"X-Stable-Harness-Session": session})
    assert second.choices[0].message.content == "turn 2: user: and again"
    by_user = [client.chat.completions.create(model="chat", messages=USER, user="alice-1")
               for _ in range(2)]
    assert [a.choices[0].message.content for a in by_user] == ["turn 1: user: hello",
                                                               "turn 2: user: hello"]


def test_wrong_key_is_an_openai_401(served_with_token, token):
    with pytest.raises(openai.AuthenticationError) as caught:
        sync_client(served_with_token, "wrong").models.list()
    assert caught.value.status_code == 401
    assert caught.value.body["type"] == "authentication_error"
    assert len(sync_client(served_with_token, token).models.list().data) == 4


def test_unsupported_content_is_invalid_request_error(served):
    with pytest.raises(openai.BadRequestError) as caught:
        sync_client(served).chat.completions.create(model="echo", messages=[
            {"role": "user", "content": [{"type": "input_audio",
                                          "input_audio": {"data": "AAAA", "format": "wav"}}]}])
    assert caught.value.body["type"] == "invalid_request_error"
    assert caught.value.body["param"] == "messages[0].content[0].type"
    assert served.call(served.runtime.list_runs()) == []


def test_unknown_model_and_bad_bodies(served):
    client = sync_client(served)
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-nope", messages=USER)
    assert caught.value.body["param"] == "model"
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="echo", messages=[])
    assert caught.value.body["param"] == "messages"
    assert served.call(served.runtime.list_runs()) == []


def test_client_disconnect_cancels_the_run(served):
    client = sync_client(served)
    stream = client.chat.completions.create(model="slow", messages=USER, stream=True)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            break  # got "thinking": the run now sleeps in its tool
    run_id = chunk.id.removeprefix("chatcmpl-")
    stream.close()
    deadline = time.monotonic() + 15
    while served.call(served.runtime.get_run(run_id)).status != "cancelled":
        assert time.monotonic() < deadline, "the run was not cancelled"
        time.sleep(0.05)
    run = served.call(served.runtime.get_run(run_id))
    assert run.error is None or "disconnect" in str(run.error)


def _answer(approval_id: str, decision: dict) -> dict:
    return {"role": "tool", "tool_call_id": approval_id, "content": json.dumps(decision)}


def test_a_parked_run_answers_with_its_approval_and_is_decided_by_a_tool_message(served):
    # was: 200 with empty content and finish_reason "stop": the client could not tell
    client = sync_client(served)
    first = client.chat.completions.create(model="gated", user="ses-approve", messages=[
        {"role": "user", "content": "ship it"}])
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    [call] = choice.message.tool_calls
    assert call.function.name == "stable_harness_approval"
    args = json.loads(call.function.arguments)
    assert args["approvalId"] == call.id
    assert args["reason"] == "echoing needs a human"
    assert f"Waiting for approval {call.id}" in choice.message.content
    assert first.model_extra["stable_harness"]["approvals"] == [call.id]
    history = [{"role": "user", "content": "ship it"}, choice.message.model_dump(
        exclude_none=True)]
    done = client.chat.completions.create(model="gated", user="ses-approve", messages=[
        *history, _answer(call.id, {"decision": "approve"})])
    assert done.choices[0].finish_reason == "stop"
    assert "ship it" in done.choices[0].message.content
    assert done.id != first.id
    assert done.model_extra["stable_harness"]["runId"] == args["runId"]
    again = served.call(served.runtime.get_approval(call.id))
    assert again.status == "approve"


def test_a_streamed_parked_run_ends_with_tool_calls_and_a_rejection_resumes_it(served):
    client = sync_client(served)
    chunks = list(client.chat.completions.create(
        model="gated", user="ses-reject", stream=True,
        messages=[{"role": "user", "content": "maybe"}]))
    calls = [c for ch in chunks for choice in ch.choices for c in (choice.delta.tool_calls or [])]
    [call] = calls
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    with pytest.raises(openai.BadRequestError, match="not an approval decision"):
        client.chat.completions.create(model="gated", user="ses-reject", messages=[
            _answer(call.id, {"decision": "perhaps"})])
    rest = list(client.chat.completions.create(
        model="gated", user="ses-reject", stream=True, messages=[
            _answer(call.id, {"decision": "reject", "message": "not today"})]))
    text = "".join(choice.delta.content or "" for ch in rest for choice in ch.choices)
    assert text == "refused: not today"  # only the resumed part, not the first answer again
    assert rest[-1].choices[0].finish_reason == "stop"
    with pytest.raises(openai.ConflictError, match="already rejected"):
        client.chat.completions.create(model="gated", user="ses-reject", messages=[
            _answer(call.id, {"decision": "approve"})])
