"""Hostile input over HTTP: a 4xx naming the field, nothing stored, never a 500. Each case
answered 500 (several after storing and running the request) before it was fixed."""

from __future__ import annotations

import json

import httpx
import pytest
from stable_harness_http.guard import Guard


def client(served, surface="http", token=None) -> httpx.Client:
    headers = {"Authorization": token} if token else {}
    return httpx.Client(base_url=served.urls[surface], headers=headers, timeout=30)


def nested(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


def stored(c: httpx.Client) -> list:
    return c.get("/requests").json()["requests"]


@pytest.mark.parametrize(("body", "field"), [
    (b'{"input": "a\\ud800b"}', "input"),                              # a lone surrogate
    (b'{"input": "x", "metadata": {"k\\udc00": 1}}', "metadata"),        # ... in a key
    (b'{"input": "x", "requestId": "r\\ud800"}', "requestId"),
    (b'{"input": "x", "agentId": "e\\ud800"}', "agentId"),
    (json.dumps({"input": nested(500)}).encode(), "input"),             # nested too deeply
    (json.dumps({"input": nested(900)}).encode(), "input"),
    (b'{"input": "x", "toolCall": {"name": "echo_tool", "arguments": {"value": NaN}}}',
     "toolCall.arguments"),                                             # not a JSON number
    (b'{"input": [Infinity]}', "input"),
])
def test_values_that_cannot_be_stored_are_refused_at_the_edge(served, body, field):
    with client(served) as c:
        r = c.post("/requests", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400, r.text
        assert r.json()["error"]["field"] == field
        assert stored(c) == []
        assert c.get("/sessions").json()["sessions"] == []


def test_a_surrogate_in_chat_content_is_a_400(served):
    with client(served, "openaiCompatible") as c:
        r = c.post("/v1/chat/completions", content=b'{"model": "echo", "messages": '
                   b'[{"role": "user", "content": "a\\ud800b"}]}',
                   headers={"content-type": "application/json"})
        assert r.status_code == 400, r.text
        assert r.json()["error"]["type"] == "invalid_request_error"
    with client(served) as native:
        assert stored(native) == []


def test_a_deeply_nested_tool_argument_string_is_a_refusal(served):
    deep = "[" * 100_000 + "]" * 100_000
    with client(served) as c:
        r = c.post("/requests", json={"input": "x", "toolCall": {
            "name": "echo_tool", "arguments": json.dumps({"value": 1})[:-1] + f', "v": {deep}}}'}})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["diagnostics"]["code"] == "too_deep"
        assert stored(c) == []


@pytest.mark.parametrize(("params", "headers", "field"), [
    ({"after": "99999999999999999999"}, {}, "after"),
    ({}, {"Last-Event-ID": "99999999999999999999"}, "Last-Event-ID"),
    ({}, {"Last-Event-ID": "²"}, "Last-Event-ID"),  # a digit to isdigit, not to int
    ({}, {"Last-Event-ID": "run_x:-1"}, "Last-Event-ID"),
])
def test_event_cursors_out_of_range_are_400(served, params, headers, field):
    with client(served) as c:
        run = c.post("/requests?wait=terminal", json={"input": "x"}).json()
        r = c.get(f"/runs/{run['runId']}/events", params=params,
                  headers={k: v.encode() for k, v in headers.items()})
        assert r.status_code == 400, r.text
        assert r.json()["error"]["field"] == field


def test_a_chunked_upload_over_the_limit_is_413(served):
    def body():
        yield b'{"input": "'
        for _ in range(300):
            yield b"x" * 8192
        yield b'"}'

    with client(served) as c:
        r = c.post("/requests", content=body(), headers={"content-type": "application/json"})
        assert r.status_code == 413, r.text
        assert r.json()["error"]["code"] == "body_too_large"
        assert stored(c) == []


@pytest.mark.parametrize("stream", ["yes", 1, "true"])
def test_stream_must_be_a_boolean(served, stream):
    with client(served, "openaiCompatible") as c:
        r = c.post("/v1/chat/completions", json={
            "model": "echo", "stream": stream, "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 400, r.text
        assert r.json()["error"]["param"] == "stream"


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_auth_scheme_is_case_insensitive(served_with_token, token, scheme):
    with client(served_with_token, token=f"{scheme} {token}") as c:
        assert c.get("/inspect").status_code == 200
    with client(served_with_token, token=f"Basic {token}") as c:
        assert c.get("/inspect").status_code == 401


async def test_websocket_scopes_pass_the_guard_only_with_the_token():
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["type"])

    guard = Guard(app, token="t0ken-1234", max_body_bytes=100,
                  error_body=lambda s, c, m: {"error": m})
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "websocket.connect"}

    await guard({"type": "websocket", "path": "/ws", "headers": []}, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1008}]
    assert reached == []
    await guard({"type": "websocket", "path": "/ws",
                 "headers": [(b"authorization", b"Bearer t0ken-1234")]}, receive, send)
    assert reached == ["websocket"]


def test_the_openapi_document_describes_the_event_stream(served):
    with client(served) as c:
        doc = c.get("/openapi.json").json()
    media = doc["paths"]["/runs/{run_id}/events"]["get"]["responses"]["200"]["content"]
    stream = media["text/event-stream"]
    assert stream["schema"] != {"type": "string"}  # was all it said
    message = stream["x-sse-message"]
    assert {"seq", "type", "runId", "payload"} <= set(message["required"])
    assert "Last-Event-ID" in doc["paths"]["/runs/{run_id}/events"]["get"]["responses"][
        "200"]["description"]


SECRET = "sk-live-5f4e3d2c1b0a"


@pytest.fixture
def secret_served(workspace, monkeypatch):
    from .conftest import serve

    monkeypatch.setenv("HTTP_TEST_SECRET", SECRET)
    runtime_yaml = workspace / "runtime.yaml"
    runtime_yaml.write_text(runtime_yaml.read_text().replace(
        "spec:\n", "spec:\n  secrets: [HTTP_TEST_SECRET]\n", 1))
    (workspace / "splitter.py").write_text(
        "import os\n\n\nasync def splitter(ctx):\n"
        "    for char in 'key ' + os.environ['HTTP_TEST_SECRET'] + ' end':\n"
        "        await ctx.output(char)\n")
    (workspace / "splitter.yaml").write_text(
        "apiVersion: stable-harness.dev/v1\nkind: Agent\nmetadata: {name: splitter}\n"
        "spec: {backend: python, entrypoint: 'splitter:splitter'}\n")
    with serve(workspace, None) as server:
        yield server


def test_a_secret_split_across_chunks_is_never_served(secret_served, workspace):
    # was: each delta was redacted on its own, so the joined stream held the secret
    with client(secret_served) as native:
        run = native.post("/requests?wait=terminal", json={
            "input": f"here is {SECRET}", "agentId": "splitter",
            "metadata": {"k": SECRET}}).json()
        sse = native.get(f"/runs/{run['runId']}/events").text
        trace = native.get(f"/runs/{run['runId']}/trace").text
        detail = native.get(f"/requests/{run['runId']}").text
    with client(secret_served, "openaiCompatible") as openai:
        body = {"model": "splitter", "messages": [{"role": "user", "content": "go"}]}
        whole = openai.post("/v1/chat/completions", json=body).text
        streamed = openai.post("/v1/chat/completions", json={**body, "stream": True}).text
    pieces = [json.loads(line[6:])["payload"]["text"] for line in sse.splitlines()
              if line.startswith("data: ") and '"harness.output.delta"' in line]
    assert "".join(pieces) == "key [secret:HTTP_TEST_SECRET] end"
    chunks = [json.loads(line[6:]) for line in streamed.splitlines()
              if line.startswith("data: {")]
    joined = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks
                     if c.get("choices"))
    assert SECRET not in joined
    for text in (sse, trace, detail, whole, streamed, run.__repr__()):
        assert SECRET not in text
        assert SECRET[8:] not in text  # nor its tail
    stored = b"".join(p.read_bytes() for p in (workspace / ".stable-harness").rglob("*")
                      if p.is_file())
    assert SECRET.encode() not in stored
