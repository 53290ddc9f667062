"""Every event and operation result bearing a ``harness.execution`` name has the contract's
fields (read from the one table in :mod:`stable_harness.runs.contract`)."""

from __future__ import annotations

import asyncio

from stable_harness.runs import RunRequest, ToolCallRequest
from stable_harness.runs.contract import CONTRACT_EVENTS
from stable_harness.runtime import Runtime
from stable_harness.testing.conformance import event_problems, operation_problems


async def _settled_runs(rt: Runtime) -> list[str]:
    ids = []
    for agent, text in (("echo", "hi"), ("failing", "x"), ("blocker", "x"), ("stepper", "s")):
        ids.append((await rt.run(text, agent=agent, until="terminal", timeout=30)).id)
    tool = await rt.run(RunRequest("", "echo", tool_call=ToolCallRequest(
        "echo_tool", {"value": "direct"})), until="terminal", timeout=30)
    ids.append(tool.id)
    parked = await rt.run("line", agent="approver", timeout=30)
    [approval] = await rt.list_approvals(run_id=parked.id)
    await rt.resolve_approval(approval.id, "approve")
    await rt.wait(parked.id, timeout=30)
    ids.append(parked.id)
    slow = await rt.start("30", agent="sleeper")
    await asyncio.sleep(0.1)
    await rt.cancel(slow.id)
    ids.append(slow.id)
    return ids


async def test_every_contract_event_and_result_has_the_contract_fields(rt: Runtime) -> None:
    seen: set[str] = set()
    problems: list[str] = []
    for run_id in await _settled_runs(rt):
        events = await rt.store.read_events(run_id)
        seen |= {e.type for e in events}
        problems += event_problems(events)
        problems += operation_problems("harness.run.get",
                                       {"run": await rt.harness_run(run_id)})
    problems += operation_problems("harness.run.cancel", await rt.cancel(run_id))
    assert problems == []
    assert set(CONTRACT_EVENTS) <= seen  # the runs above emit every contract event


async def test_the_contract_fields_say_what_happened(rt: Runtime) -> None:
    done = await rt.run("s", agent="stepper", until="terminal", timeout=30)
    events = {e.type: e for e in await rt.store.read_events(done.id)}
    started, completed = events["harness.run.started"], events["harness.run.completed"]
    assert started.payload["mode"] == "agent"
    assert started.payload["startedAt"] == started.timestamp
    assert completed.payload["status"] == "completed"
    assert completed.payload["evidenceCount"] == 2  # one tool-call receipt, one artifact
    step = events["harness.step.started"].payload
    assert (step["stepKey"], step["mode"]) == ("lookup", "agent")
    failed = await rt.run("x", agent="failing", until="terminal", timeout=30)
    [end] = [e for e in await rt.store.read_events(failed.id) if e.type == "harness.run.failed"]
    assert "bad thing" in end.payload["reason"]
    assert end.payload["failedAt"] == end.timestamp
    tool = await rt.run(RunRequest("", "echo", tool_call=ToolCallRequest(
        "echo_tool", {"value": "v"})), until="terminal", timeout=30)
    got = await rt.harness_run(tool.id)
    assert (got["mode"], got["target"]["targetId"]) == ("tool", "echo_tool")
    [call] = got["steps"]
    assert (call["stepKey"], call["actionClass"], call["status"]) == ("echo_tool", "read",
                                                                      "completed")


async def test_an_approval_is_a_step_that_requires_it(rt: Runtime) -> None:
    parked = await rt.run("line", agent="approver", timeout=30)
    [step] = (await rt.harness_run(parked.id))["steps"]
    assert (step["status"], step["verdict"], step["requiresApproval"]) == (
        "pending", "assist", True)
