"""The langgraph backend's tool calls pass the runtime's tool gateway."""

from __future__ import annotations

from pathlib import Path

from stable_harness.runs.events import EventType
from stable_harness.runtime import Runtime

from .conftest import effects, write_workspace

SLOPPY = {"sloppy.yaml": """
    apiVersion: stable-harness.dev/v1
    kind: Model
    metadata: {name: sloppy-script}
    spec:
      provider: scripted
      config:
        turns:
          - toolCalls: [{name: Echo-Tool, args: {Value: "{{ input }}"}}]
          - toolCalls: [{name: effect_tool, args: {}}]
          - text: "{{ last_tool_result }}"
    ---
    apiVersion: stable-harness.dev/v1
    kind: Agent
    metadata: {name: sloppy}
    spec: {backend: langgraph, model: sloppy-script, tools: [echo_tool, effect_tool]}
    """}


async def test_repairs_and_refusals_reach_the_model(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LG_EFFECTS", str(tmp_path / "effects.log"))
    ws = write_workspace(tmp_path / "ws", SLOPPY)
    runtime = await Runtime.open(ws)
    try:
        run = await runtime.run("hi", agent="sloppy", timeout=60)
        events = await runtime.store.read_events(run.id)
        ledger = await runtime.store.ledger(run.id)
    finally:
        await runtime.close()
    assert run.status == "completed", run.error
    [repaired] = [e for e in events if e.type == EventType.TOOL_REPAIRED]
    assert repaired.payload["tool"] == "echo_tool"
    assert {r["code"] for r in repaired.payload["repairs"]} == {
        "name_case_or_separator", "argument_renamed"}
    [blocked] = [e for e in events if e.type == EventType.STEP_BLOCKED]
    assert blocked.payload["reason"] == "missing_required"
    # the model got a typed error it can act on, and the run went on
    assert '"error": "tool_call_refused"' in run.output
    assert [e.tool for e in ledger.values()] == ["echo_tool"]
    assert effects(ws) == []


async def test_a_policy_approval_parks_a_graph_and_resumes_it(tmp_path: Path,
                                                              monkeypatch) -> None:
    monkeypatch.setenv("LG_EFFECTS", str(tmp_path / "effects.log"))
    ws = write_workspace(tmp_path / "ws", {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: lg}
        spec:
          defaultAgent: lg
          policies: [{use: approval, config: {tags: [mutating]}}]
        """})
    runtime = await Runtime.open(ws)
    try:
        run = await runtime.run("tea", timeout=60)
        assert run.status == "waiting_approval", run.error
        [approval] = await runtime.list_approvals(run_id=run.id)
        assert (approval.reason, approval.action["tool"]) == ("policy", "effect_tool")
        assert effects(ws) == []
        await runtime.resolve_approval(approval.id, "approve")
        done = await runtime.wait(run.id, timeout=60)
    finally:
        await runtime.close()
    assert done.status == "completed", done.error
    assert done.output == "done: wrote tea"
    assert effects(ws) == ["tea"]
