"""The run lifecycle through the SDK, on the python backend and the SQLite store."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from stable_harness.errors import (
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    SessionBusyError,
)
from stable_harness.runs import RunRequest, RunStatus, ToolCallRequest
from stable_harness.runtime import Runtime

from .rt_workspace import write_workspace


def row_counts(ws: Path) -> dict[str, int]:
    conn = sqlite3.connect(ws / ".stable-harness" / "runtime.db")
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("runs", "sessions", "events", "approvals", "ledger", "attempts")}
    finally:
        conn.close()


async def test_run_completes_with_ordered_events(rt: Runtime) -> None:
    run = await rt.run("hi", agent="echo")
    assert run.status is RunStatus.COMPLETED
    assert run.output == "echo: hi"
    events = [e async for e in rt.events(run.id)]
    assert [e.type for e in events] == [
        "harness.run.queued", "harness.run.started", "harness.tool.started",
        "harness.tool.completed", "harness.output.delta", "harness.run.completed"]
    assert [e.seq for e in events] == list(range(1, 7))
    assert all(e.run_id == run.id and e.session_id == run.session_id for e in events)
    completed = events[-1].to_dict()
    assert set(completed) == {"id", "type", "runId", "sessionId", "seq", "timestamp",
                              "parentId", "payload"}
    assert completed["payload"]["output"] == "echo: hi"
    assert events[3].parent_id == events[2].id  # tool.completed points at tool.started
    assert (await rt.get_run(run.id)).to_dict()["status"] == "completed"


async def test_events_resume_from_a_cursor(rt: Runtime) -> None:
    run = await rt.run("3", agent="streamer")
    assert run.output == "t0 t1 t2 "
    tail = [e.seq async for e in rt.events(run.id, after=3)]
    assert tail == list(range(4, run.last_seq + 1))


async def test_idempotency_key_returns_the_original_run(rt: Runtime, ws: Path) -> None:
    first = await rt.run("x", agent="echo", idempotency_key="k1")
    again = await rt.start("x", agent="echo", idempotency_key="k1")
    assert again.id == first.id
    before = row_counts(ws)
    with pytest.raises(ConflictError, match="different request"):
        await rt.start("y", agent="echo", idempotency_key="k1")
    assert row_counts(ws) == before


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda rt: rt.start("x", agent="nope"), NotFoundError, "unknown agent 'nope'"),
    (lambda rt: rt.start("x", agent="ecoh"), NotFoundError, "echo"),
    (lambda rt: rt.start("x"), InvalidRequestError, "several agents"),
    (lambda rt: rt.start("x", agent="echo", session_id="bad id!"), InvalidRequestError,
     "invalid session id"),
    (lambda rt: rt.start(object(), agent="echo"), InvalidRequestError, "JSON"),
    (lambda rt: rt.start("x", agent="echo", timeout_seconds=0), InvalidRequestError, "timeout"),
    (lambda rt: rt.start(RunRequest("x", "echo", tool_call=ToolCallRequest("rm_rf"))),
     Exception, "no tool 'rm_rf'"),
    (lambda rt: rt.get_run("run_missing"), NotFoundError, "no run 'run_missing'"),
    (lambda rt: rt.cancel("run_missing"), NotFoundError, "no run"),
    (lambda rt: rt.resolve_approval("apr_missing", "approve"), NotFoundError, "no approval"),
    (lambda rt: rt.resolve_approval("apr_missing", "maybe"), InvalidRequestError,
     "unknown decision"),
    (lambda rt: rt.resolve_approval("apr_missing", "edit"), InvalidRequestError, "arguments"),
    (lambda rt: rt.import_run({"format": "nope"}), InvalidRequestError, "not a valid run export"),
    (lambda rt: rt.import_run([1, 2]), InvalidRequestError, "JSON object"),
])
async def test_bad_input_is_refused_and_changes_nothing(rt: Runtime, ws: Path, call, error,
                                                        match) -> None:
    await rt.run("seed", agent="echo")
    before = row_counts(ws)
    with pytest.raises(error, match=match):
        await call(rt)
    assert row_counts(ws) == before


async def test_direct_tool_call_request(rt: Runtime) -> None:
    run = await rt.run(RunRequest(None, "echo", tool_call=ToolCallRequest("echo_tool",
                                                                          {"value": "v"})))
    assert (run.status, run.output) == (RunStatus.COMPLETED, "v")


async def test_approval_approve_edit_reject(rt: Runtime, ws: Path) -> None:
    effects = ws.parent / "effects.log"
    results = {}
    for decision, kwargs in [("approve", {}), ("edit", {"arguments": {"line": "edited"}}),
                             ("reject", {"message": "no"})]:
        run = await rt.run("orig", agent="approver")
        assert run.status is RunStatus.WAITING_APPROVAL
        async with asyncio.timeout(5):  # no task is held while it waits
            while run.id in rt._tasks:
                await asyncio.sleep(0.001)
        [approval] = await rt.list_approvals(run_id=run.id, status="pending")
        assert approval.action == {"tool": "append_effect", "arguments": {"line": "orig"}}
        await rt.resolve_approval(approval.id, decision, **kwargs)
        done = await rt.wait(run.id)
        results[decision] = done.output
        with pytest.raises(ConflictError, match="already"):
            await rt.resolve_approval(approval.id, "approve")
    assert results == {"approve": "done: orig", "edit": "done: edited", "reject": "rejected: no"}
    assert effects.read_text().splitlines() == ["orig", "edited"]


async def test_approval_resolved_after_a_restart(ws: Path) -> None:
    async with await Runtime.open(ws) as first:
        run = await first.run("later", agent="approver")
        [approval] = await first.list_approvals(status="pending")
    async with await Runtime.open(ws) as second:
        assert (await second.get_run(run.id)).status is RunStatus.WAITING_APPROVAL
        await second.resolve_approval(approval.id, "approve", by="ops")
        done = await second.wait(run.id, timeout=10)
    assert done.output == "done: later"
    assert (ws.parent / "effects.log").read_text() == "later\n"


async def test_cancel_reaches_a_running_run_and_sticks(ws: Path) -> None:
    async with await Runtime.open(ws) as rt:
        run = await rt.start("30", agent="sleeper")
        await _until(rt, run.id, lambda r: r.last_seq >= 3)
        result = await rt.cancel(run.id, reason="test")
        assert result["status"] == "cancelled"
        assert result["cancelledAt"]
        assert set(result) == {"runId", "status", "cancelledAt"}
    async with await Runtime.open(ws) as rt:
        again = await rt.get_run(run.id)
        assert again.status is RunStatus.CANCELLED
        assert (await rt.cancel(run.id))["status"] == "cancelled"
        types = [e.type async for e in rt.events(run.id)]
        assert types[-1] == "harness.run.cancelled"


async def test_cancel_reaches_an_inflight_tool(rt: Runtime) -> None:
    run = await rt.start("30", agent="slowtool")
    await _until(rt, run.id, lambda r: r.last_seq >= 3)
    assert (await rt.cancel(run.id))["status"] == "cancelled"


async def test_cancelling_a_tool_mode_run_builds_no_backend(rt: Runtime) -> None:
    """A tool-mode run never uses its agent's backend, so cancelling it must not create one
    (that imported e.g. DeepAgents on the event loop: seconds before the cancel landed)."""
    run = await rt.start(None, agent="slowtool",
                         tool_call=ToolCallRequest("slow_tool", {"seconds": 30}))
    await _until(rt, run.id, lambda r: r.last_seq >= 3)
    assert (await rt.cancel(run.id))["status"] == "cancelled"
    assert "slowtool" not in rt._adapters


async def test_cancel_a_waiting_run_cancels_its_approval(rt: Runtime) -> None:
    run = await rt.run("x", agent="approver")
    [approval] = await rt.list_approvals(run_id=run.id)
    assert (await rt.cancel(run.id))["status"] == "cancelled"
    [after] = await rt.list_approvals(run_id=run.id)
    assert after.status == "cancelled"
    with pytest.raises(ConflictError):
        await rt.resolve_approval(approval.id, "approve")


async def test_timeout_fails_the_run(rt: Runtime) -> None:
    run = await rt.run("30", agent="sleeper", timeout_seconds=0.2)
    assert run.status is RunStatus.FAILED
    assert run.error is not None
    assert run.error["code"] == "timeout"


async def test_transient_errors_are_retried_and_each_attempt_recorded(rt: Runtime) -> None:
    run = await rt.run("3", agent="flaky")
    assert (run.status, run.output) == (RunStatus.COMPLETED, "ok on attempt 3")
    attempts = await rt.store.list_attempts(run.id)
    assert [(a.number, a.reason, a.outcome) for a in attempts] == [
        (1, "start", "failed"), (2, "retry", "failed"), (3, "retry", "completed")]
    types = [e.type async for e in rt.events(run.id)]
    assert types.count("harness.run.retrying") == 2


async def test_retries_stop_at_max_attempts(rt: Runtime) -> None:
    run = await rt.run("9", agent="flaky")
    assert run.status is RunStatus.FAILED
    assert run.attempt == 3


async def test_non_transient_errors_fail_at_once(rt: Runtime) -> None:
    run = await rt.run("x", agent="failing")
    assert run.status is RunStatus.FAILED
    assert run.attempt == 1
    assert run.error == {"code": "error", "message": "ValueError: bad thing",
                         "type": "ValueError"}


async def test_blocked_step_ends_the_run_blocked(rt: Runtime) -> None:
    run = await rt.run("x", agent="blocker")
    assert run.status is RunStatus.BLOCKED
    last = [e async for e in rt.events(run.id)][-1]
    assert last.type == "harness.step.blocked"
    assert last.payload == {"runId": run.id, "stepId": "step-1", "reason": "missing credentials",
                            "blockedAt": last.timestamp}


async def test_busy_session_reject(rt: Runtime) -> None:
    first = await rt.start("30", agent="sleeper", session_id="s1")
    with pytest.raises(SessionBusyError, match="in flight"):
        await rt.start("x", agent="echo", session_id="s1")
    await rt.cancel(first.id)


@pytest.mark.parametrize("policy", ["enqueue", "interrupt", "rollback"])
async def test_busy_session_policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     policy: str) -> None:
    monkeypatch.setenv("RT_EFFECT_FILE", str(tmp_path / "effects.log"))
    ws = write_workspace(tmp_path / "ws", busy=policy)
    async with await Runtime.open(ws) as rt:
        await rt.run("a", agent="echo", session_id="s")
        first = await rt.start("0.3" if policy == "enqueue" else "30", agent="sleeper",
                               session_id="s")
        await _until(rt, first.id, lambda r: r.status is RunStatus.RUNNING)
        second = await rt.start("b", agent="history", session_id="s")
        done = await rt.wait(second.id, timeout=10)
        first = await rt.get_run(first.id)
        if policy == "enqueue":
            assert first.status is RunStatus.COMPLETED
            assert done.output == ["a", "0.3"]
        else:
            assert first.status is RunStatus.CANCELLED
            assert first.rolled_back is (policy == "rollback")
            assert done.output == ["a"]


async def test_export_import_round_trip(rt: Runtime, tmp_path: Path) -> None:
    run = await rt.run("x", agent="echo")
    document = await rt.export_run(run.id)
    other = write_workspace(tmp_path / "other")
    async with await Runtime.open(other) as target:
        imported = await target.import_run(document)
        assert imported.to_dict() == run.to_dict()
        again = await target.export_run(run.id)
        assert {**again, "exportedAt": None} == {**document, "exportedAt": None}
        before = row_counts(other)
        with pytest.raises(ConflictError, match="already exists"):
            await target.import_run(document)
        broken = {**document, "events": document["events"][1:]}
        with pytest.raises(InvalidRequestError, match="sequence"):
            await target.import_run(broken)
        assert row_counts(other) == before


async def test_failing_sink_never_fails_the_run(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RT_EFFECT_FILE", str(tmp_path / "effects.log"))
    (tmp_path / "ws" / "a-dir").mkdir(parents=True)
    ws = write_workspace(tmp_path / "ws", sinks="[{use: jsonl, config: {path: a-dir}}]")
    async with await Runtime.open(ws) as rt:
        run = await rt.run("x", agent="echo")
        assert run.status is RunStatus.COMPLETED
        await _until(rt, run.id, lambda r: r.last_seq >= 7)
        types = [e.type async for e in rt.events(run.id)]
        assert "harness.sink.failed" in types
        health = await rt.store.sink_health()
        assert health["jsonl"]["failures"] >= 1
        assert "IsADirectoryError" in health["jsonl"]["lastError"]
        assert rt.sink_health()["jsonl"]["failures"] >= 1


async def test_jsonl_sink_receives_every_event(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv("RT_EFFECT_FILE", str(tmp_path / "effects.log"))
    ws = write_workspace(tmp_path / "ws", sinks="[{use: jsonl, config: {path: ev.jsonl}}]")
    async with await Runtime.open(ws) as rt:
        run = await rt.run("x", agent="echo")
    lines = [json.loads(line) for line in (ws / "ev.jsonl").read_text().splitlines()]
    assert [e["seq"] for e in lines] == list(range(1, run.last_seq + 1))


async def _until(rt: Runtime, run_id: str, check, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not check(await rt.get_run(run_id)):
            await asyncio.sleep(0.01)


async def test_the_input_may_be_given_by_name(rt: Runtime) -> None:
    # was: TypeError: multiple values for argument 'input'
    run = await rt.run(agent="echo", input="named")
    assert run.output == "echo: named"
    with pytest.raises(InvalidRequestError, match="given twice"):
        await rt.start("a", input="b", agent="echo")
    with pytest.raises(InvalidRequestError, match="unknown request field sesion_id"):
        await rt.start("a", agent="echo", sesion_id="s")
