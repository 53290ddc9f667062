"""The deepagents backend's workspace tool calls pass the runtime's tool gateway."""

from __future__ import annotations

from pathlib import Path

from stable_harness.runs.events import EventType
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

WS = """
apiVersion: stable-harness.dev/v1
kind: Model
metadata: {name: m}
spec:
  provider: scripted
  config:
    turns:
      - toolCalls: [{name: ECHO_TOOL, args: {value: "{{ input }}"}}]
      - toolCalls: [{name: echo_tool, args: {value: {text: 5}}}]
      - text: "{{ last_tool_result }}"
---
apiVersion: stable-harness.dev/v1
kind: Tool
metadata: {name: echo_tool}
spec: {entrypoint: "gw_tools:echo_tool", tags: [read-only]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: deep}
spec: {backend: deepagents, model: m, tools: [echo_tool]}
"""


async def test_deepagents_tool_calls_are_checked(tmp_path: Path) -> None:
    root = write_files(tmp_path / "ws", {
        "ws.yaml": WS, "gw_tools.py": "def echo_tool(value: str) -> str:\n    return value\n"})
    runtime = await Runtime.open(root)
    try:
        run = await runtime.run("hi", timeout=60)
        events = await runtime.store.read_events(run.id)
    finally:
        await runtime.close()
    assert run.status == "completed", run.error
    [repaired] = [e for e in events if e.type == EventType.TOOL_REPAIRED]
    assert [r["code"] for r in repaired.payload["repairs"]] == ["name_case_or_separator"]
    [blocked] = [e for e in events if e.type == EventType.STEP_BLOCKED]
    assert blocked.payload["reason"] == "invalid_type"
    assert "tool_call_refused" in run.output
