"""The OpenAI-compatible API, with the official ``openai`` client (strict response validation)
as the oracle, against a real loopback server."""

from __future__ import annotations

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
