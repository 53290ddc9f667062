"""The ``langgraph`` backend end to end, with scripted models and a real SQLite saver."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from stable_harness.errors import WorkspaceError
from stable_harness.runs.events import EventType
from stable_harness.workspace import load_workspace

from .conftest import effects, write_workspace


async def test_multi_step_tool_use_streams_in_order(rt, ws) -> None:
    run = await rt.run("tea", timeout=60)
    assert run.status == "completed", run.error
    assert run.output == "done: wrote tea"
    assert effects(ws) == ["tea"]
    events = await rt.store.read_events(run.id)
    types = [e.type for e in events]
    tools = [(e.type, e.payload["tool"]) for e in events if e.type.startswith("harness.tool.")]
    assert tools == [(EventType.TOOL_STARTED, "echo_tool"), (EventType.TOOL_COMPLETED, "echo_tool"),
                     (EventType.TOOL_STARTED, "effect_tool"),
                     (EventType.TOOL_COMPLETED, "effect_tool")]
    text = "".join(e.payload["text"] for e in events if e.type == EventType.OUTPUT_DELTA)
    assert text == "Looking. done: wrote tea"
    assert types.index(EventType.OUTPUT_DELTA) < types.index(EventType.TOOL_STARTED)
    assert types[-1] == EventType.RUN_COMPLETED
    steps = [e.payload["name"] for e in events if e.type == EventType.STEP_STARTED]
    assert steps == ["model", "tools", "model", "tools", "model"]
    # the model's own tool-call ids key the ledger
    assert all(key.startswith("id:call_") for key in await rt.store.ledger(run.id))


async def test_checkpoints_are_langgraphs_own_saver_next_to_the_store(rt, ws) -> None:
    run = await rt.run("x", timeout=60)
    db = ws / ".stable-harness" / "checkpoints.db"
    with sqlite3.connect(db) as conn:
        threads = {r[0] for r in conn.execute("SELECT DISTINCT thread_id FROM checkpoints")}
    assert run.id in threads


async def test_a_session_continues_the_conversation(rt) -> None:
    first = await rt.run("one", timeout=60)
    second = await rt.run("two", session_id=first.session_id, timeout=60)
    assert second.output == "done: wrote two"


@pytest.mark.parametrize(("decision", "arguments", "expected_effects", "output"), [
    ("approve", None, ["go"], "done: wrote go"),
    ("edit", {"line": "EDITED"}, ["EDITED"], "wrote EDITED"),
    ("reject", None, [], "rejected"),
])
async def test_interrupt_becomes_an_approval(rt, ws, decision, arguments, expected_effects,
                                             output) -> None:
    run = await rt.run("go", agent="gated", timeout=60)
    assert run.status == "waiting_approval"
    [approval] = await rt.list_approvals(run_id=run.id)
    assert approval.action["tool"] == "effect_tool"
    assert approval.action["arguments"] == {"line": "go"}
    assert approval.reason == "tool_approval"
    await rt.resolve_approval(approval.id, decision, arguments=arguments,
                              message="no" if decision == "reject" else None)
    done = await rt.wait(run.id, timeout=60)
    assert done.status == "completed", done.error
    assert effects(ws) == expected_effects
    assert output in done.output


async def test_user_graph_interrupt_resumes_with_the_decision(rt) -> None:
    run = await rt.run({"draft": "news"}, agent="custom", timeout=60)
    assert run.status == "waiting_approval"
    [approval] = await rt.list_approvals(run_id=run.id)
    assert approval.action == {"value": {"question": "publish?", "draft": "draft of news"}}
    await rt.resolve_approval(approval.id, "edit", arguments={"title": "T"}, by="ed")
    done = await rt.wait(run.id, timeout=60)
    assert done.status == "completed", done.error
    assert done.output["verdict"] == {"decision": "edit", "message": None,
                                      "arguments": {"title": "T"}, "by": "ed"}


async def test_edges_overlay_runs_the_inventory(rt, ws) -> None:
    run = await rt.run("hop", agent="overlay", timeout=60)
    assert run.status == "completed", run.error
    ledger = await rt.store.ledger(run.id)
    assert [e.tool for e in ledger.values()] == ["echo_tool"]
    mermaid = rt.describe_agent("overlay", graph=True)["mermaid"]
    assert "tools/echo_tool" in mermaid
    assert "models/two-tools" in mermaid


async def test_mermaid_of_a_create_agent_graph(rt) -> None:
    info = rt.describe_agent("lg", graph=True)
    assert info["backend"] == "langgraph"
    assert info["capabilities"]["approvals"] == "native"
    assert "model" in info["mermaid"]
    assert "tools" in info["mermaid"]


def test_edge_to_a_tool_the_agent_does_not_list_is_rejected(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", {"bad.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: bad}
        spec:
          backend: langgraph
          tools: [echo_tool]
          edges:
            - {from: START, to: tools.effect_tool}
            - {from: tools.nope, to: END}
        """})
    with pytest.raises(WorkspaceError) as info:
        load_workspace(ws, environ={})
    found = {(d.code, d.path) for d in info.value.diagnostics}
    assert found == {("invalid-reference", "spec.edges[0].to"),
                     ("unknown-reference", "spec.edges[1].from")}


def test_skills_are_not_a_langgraph_capability(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", {"skill.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Skill
        metadata: {name: s}
        spec: {path: s}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: skilled}
        spec: {backend: langgraph, model: two-tools, skills: [s]}
        """, "s/SKILL.md": "---\nname: s\ndescription: d\n---\n"})
    with pytest.raises(WorkspaceError) as info:
        load_workspace(ws, environ={})
    [diag] = info.value.diagnostics
    assert diag.code == "unsupported-capability"
    assert "capability 'skills' is unsupported" in diag.message
