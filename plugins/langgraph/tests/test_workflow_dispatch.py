"""A ``Workflow`` document dispatched by the langgraph backend: its topology compiles to a
LangGraph graph whose nodes are the inventory's own handlers (model, tool)."""

from __future__ import annotations

from pathlib import Path

import pytest
from stable_harness.errors import InvalidRequestError
from stable_harness.runs import RunRequest
from stable_harness.runtime import Runtime

from .conftest import write_workspace

FILES = {
    "workflow.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {name: echoer}
        spec:
          provider: scripted
          config:
            turns:
              - toolCalls: [{name: echo_tool, args: {value: "{{ input }}"}}]
              - text: "done: {{ last_tool_result }}"
        ---
        apiVersion: stable-harness.dev/v1
        kind: Workflow
        metadata: {name: pipeline}
        spec:
          backend: langgraph
          description: Think, act, answer.
          entry: think
          nodes:
            - {id: think, ref: models.echoer}
            - {id: act, ref: tools.echo_tool}
          edges:
            - {from: think, to: act}
            - {from: think, to: END}
            - {from: act, to: think}
        """,
}


async def test_a_workflow_document_runs_on_the_langgraph_backend(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", FILES)
    async with await Runtime.open(ws) as rt:
        run = await rt.run(RunRequest("tea", workflow="pipeline"), until="terminal",
                           timeout=60)
        assert run.status == "completed", run.error
        assert run.output == "done: tea"
        assert (run.mode, run.agent, run.workflow) == ("workflow", "pipeline", "pipeline")
        events = await rt.store.read_events(run.id)
        assert [e.payload["tool"] for e in events if e.type == "harness.tool.started"] == [
            "echo_tool"]
        started = next(e for e in events if e.type == "harness.run.started")
        assert started.payload["mode"] == "workflow"
        got = await rt.harness_run(run.id)
        assert got["target"] == {"targetId": "pipeline", "kind": "workflow",
                                 "agent": "pipeline"}


async def test_a_workflow_request_naming_an_agent_too_is_refused(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", FILES)
    async with await Runtime.open(ws) as rt:
        with pytest.raises(InvalidRequestError, match="runs on its own"):
            await rt.start(RunRequest("x", agent="lg", workflow="pipeline"))
        assert await rt.list_runs() == []
