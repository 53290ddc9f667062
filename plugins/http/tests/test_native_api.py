"""The native runtime API over a real loopback server, with httpx."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from stable_harness.runs import RunRequest
from stable_harness.testing.conformance import operation_problems


def client(served, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=served.urls["http"], headers=headers, timeout=30)


def test_request_round_trip_and_inspection(served):
    with client(served) as c:
        r = c.post("/requests", json={"input": "hello", "metadata": {"ticket": 7},
                                      "memory": {"scope": "user-1"}})
        assert r.status_code == 202
        run = r.json()
        assert run["status"] in ("queued", "running", "completed")
        done = c.post("/requests?wait=terminal", json={"input": "again",
                                                       "parentRunId": run["runId"]})
        assert done.status_code == 200
        assert done.json()["output"] == "You said: again"
        assert done.json()["parentRunId"] == run["runId"]
        detail = c.get(f"/requests/{run['runId']}").json()
        assert detail["memory"] == {"scope": "user-1"}
        assert detail["metadata"] == {"ticket": 7, "protocol": "http"}
        assert detail["approvals"] == []
        listed = c.get("/requests").json()["requests"]
        assert {r["runId"] for r in listed} >= {run["runId"], done.json()["runId"]}
        trace = c.get(f"/runs/{done.json()['runId']}/trace").json()
        assert [e["seq"] for e in trace["events"]] == list(range(1, len(trace["events"]) + 1))
        assert trace["ledger"][0]["tool"] == "echo_tool"
        sessions = c.get("/sessions").json()["sessions"]
        assert done.json()["sessionId"] in {s["sessionId"] for s in sessions}


def test_idempotency_key_and_request_id(served):
    with client(served) as c:
        first = c.post("/requests", json={"input": "x"}, headers={"Idempotency-Key": "k-1"})
        again = c.post("/requests", json={"input": "x"}, headers={"Idempotency-Key": "k-1"})
        assert first.json()["runId"] == again.json()["runId"]
        other = c.post("/requests", json={"input": "y"}, headers={"Idempotency-Key": "k-1"})
        assert other.status_code == 409
        assert other.json()["error"]["field"] == "idempotencyKey"
        by_id = c.post("/requests", json={"input": "x", "requestId": "k-1"})
        assert by_id.json()["runId"] == first.json()["runId"]
        clash = c.post("/requests", json={"input": "x", "requestId": "k-2"},
                       headers={"Idempotency-Key": "k-1"})
        assert clash.status_code == 400
        assert clash.json()["error"]["field"] == "requestId"


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    (b"{not json", 400, "invalid_json", None),
    ({"input": "x", "surprise": 1}, 400, "invalid_request", "surprise"),
    ({"input": "x", "sessionId": "bad id!"}, 400, "invalid_request", "sessionId"),
    ({"input": "x", "agentId": "nobody"}, 404, "not_found", "agentId"),
    ({"input": "x", "parentRunId": "run_missing"}, 404, "not_found", "parentRunId"),
    ({"input": "x", "timeoutSeconds": 0}, 400, "invalid_request", "timeoutSeconds"),
    ({"input": "x", "workflow": "chat", "agentId": "echo"}, 400, "invalid_request",
     "workflow"),
    ({"input": "x", "toolCall": {"name": "no_such_tool", "arguments": {}}},
     422, "tool_call_refused", "toolCall"),
    ({"input": "x", "metadata": []}, 400, "invalid_request", "metadata"),
])
def test_bad_bodies_are_named_and_change_nothing(served, body, status, code, field):
    with client(served) as c:
        before = c.get("/requests").json()["requests"]
        if isinstance(body, bytes):
            r = c.post("/requests", content=body, headers={"content-type": "application/json"})
        else:
            r = c.post("/requests", json=body)
        assert r.status_code == status, r.text
        error = r.json()["error"]
        assert (error["code"], error["field"]) == (code, field)
        assert error["message"]
        assert c.get("/requests").json()["requests"] == before
        assert c.get("/sessions").json()["sessions"] == []


def test_body_limit(served):
    with client(served) as c:
        r = c.post("/requests", json={"input": "x" * 2_000_000})
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "body_too_large"
        assert c.get("/requests").json()["requests"] == []


def test_workflow_dispatch_and_views(served):
    with client(served) as c:
        r = c.post("/requests?wait=terminal", json={"input": "hi", "workflow": {"id": "chat"}})
        assert r.json()["agent"] == "chat"
        flows = c.get("/workflows").json()["workflows"]
        assert [f["workflowId"] for f in flows] == ["chat", "echo", "gated", "slow",
                                                   "review-flow"]
        # a Workflow document is inventory: listed, drawn and planned (was: nowhere)
        [doc] = [f for f in flows if f["kind"] == "workflow"]
        assert (doc["entry"], doc["tools"], doc["subagents"], doc["dispatchedBy"]) == (
            "say", ["echo_tool"], ["gated"], [])
        drawn = c.get("/workflows/review-flow/mermaid").json()["mermaid"]
        assert 'n0["say: tools.echo_tool"]' in drawn
        assert "n0 --> n1" in drawn
        planned = c.get("/workflows/review-flow/plan").json()
        assert [t["name"] for t in planned["tools"]] == ["echo_tool"]
        # no backend here opts in to dispatching it: refused, nothing stored
        before = len(c.get("/requests").json()["requests"])
        refused = c.post("/requests", json={"input": "x", "workflow": {"id": "review-flow"}})
        assert refused.status_code == 400
        assert "no loaded backend dispatches Workflow documents" in refused.json()["error"][
            "message"]
        assert len(c.get("/requests").json()["requests"]) == before
        plan = c.get("/workflows/echo/plan").json()
        assert plan["tools"][0]["name"] == "echo_tool"
        assert plan["tools"][0]["parameters"]["required"] == ["value"]
        mermaid = c.get("/workflows/echo/mermaid")  # python agents have no graph to draw
        assert mermaid.status_code == 400
        assert "graph_render" in mermaid.json()["error"]["message"]
        assert c.get("/workflows/nobody/plan").status_code == 404


def test_events_resume_with_last_event_id_after_a_disconnect(served):
    with client(served) as c:
        run = c.post("/requests", json={"input": "needs review", "agentId": "gated"}).json()
        seen = []
        with c.stream("GET", f"/runs/{run['runId']}/events") as stream:
            lines = stream.iter_lines()
            for message in _messages(lines):
                seen.append(message)
                if message["event"] == "harness.approval.requested":
                    break  # the client drops the connection while the run waits
        approval = c.get("/approvals", params={"status": "pending"}).json()["approvals"][0]
        decided = c.post(f"/approvals/{approval['approvalId']}", json={"decision": "approve"})
        assert decided.json()["status"] == "approve"
        with c.stream("GET", f"/runs/{run['runId']}/events",
                      headers={"Last-Event-ID": seen[-1]["id"]}) as stream:
            rest = list(_messages(stream.iter_lines()))
        seqs = [int(m["id"]) for m in seen + rest]
        assert seqs == list(range(1, len(seqs) + 1))  # every event once, in order
        assert rest[-1]["event"] == "harness.run.completed"
        assert json.loads(rest[-1]["data"])["payload"]["output"] == "needs review"
        again = c.post(f"/approvals/{approval['approvalId']}", json={"decision": "reject"})
        assert again.status_code == 409


def _messages(lines):
    current = {}
    for line in lines:
        if line == "":
            if current:
                yield current
            current = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            current[key] = value


def test_bad_last_event_id(served):
    with client(served) as c:
        run = c.post("/requests?wait=terminal", json={"input": "x"}).json()
        r = c.get(f"/runs/{run['runId']}/events", headers={"Last-Event-ID": "banana"})
        assert r.status_code == 400
        assert r.json()["error"]["field"] == "Last-Event-ID"
        assert c.get("/runs/run_nope/events").status_code == 404


def test_cancel_over_http_a_run_started_through_the_sdk(served):
    run = served.call(served.runtime.start(RunRequest("wait", "slow")))
    with client(served) as c:
        deadline = time.monotonic() + 10
        while c.get(f"/runs/{run.id}").json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        cancelled = c.post(f"/runs/{run.id}/cancel", json={"reason": "operator"}).json()
        assert cancelled["runId"] == run.id
        assert cancelled["status"] == "cancelled"
        assert cancelled["cancelledAt"]
        assert served.call(served.runtime.get_run(run.id)).status == "cancelled"


def test_harness_execution_operations(served):
    with client(served) as c:
        started = c.post("/operations/harness.run.start", json={"input": "op",
                                                               "agentId": "slow"})
        assert started.status_code == 202
        assert operation_problems("harness.run.start", started.json()) == []
        run_id = started.json()["run"]["runId"]
        got = c.post("/operations/harness.run.get", json={"runId": run_id}).json()
        assert operation_problems("harness.run.get", got) == []
        assert got["run"]["runId"] == run_id
        assert got["run"]["agent"] == "slow"
        assert got["run"]["mode"] == "agent"
        cancelled = c.post("/operations/harness.run.cancel", json={"runId": run_id}).json()
        assert operation_problems("harness.run.cancel", cancelled) == []
        assert set(cancelled) == {"runId", "status", "cancelledAt"}
        assert cancelled["status"] == "cancelled"
        missing = c.post("/operations/harness.run.get", json={"runId": "run_nope"})
        assert missing.status_code == 404
        spec = c.get("/openapi.json").json()
        ops = {op["operationId"] for p in spec["paths"].values() for op in p.values()}
        assert {"harness.run.start", "harness.run.cancel", "harness.run.get"} <= ops


def test_auth_on_every_route(served_with_token, token):
    with client(served_with_token) as anonymous, client(served_with_token, "wrong") as wrong, \
            client(served_with_token, token) as good:
        for path in ("/inspect", "/requests", "/runs/x/events", "/openapi.json", "/nowhere"):
            assert anonymous.get(path).status_code == 401, path
            assert wrong.get(path).status_code == 401, path
        r = anonymous.post("/requests", json={"input": "x"})
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "invalid_api_key"
        assert r.headers["www-authenticate"] == "Bearer"
        assert anonymous.get("/health").json() == {"status": "ok"}
        inspected = good.get("/inspect")
        assert inspected.status_code == 200
        assert token not in inspected.text
        assert good.get("/requests").json() == {"requests": []}
