"""SIGKILL mid-run on DeepAgents, restart, resume from the checkpoint; no tool runs twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from stable_harness.runs.events import EventType
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

pytestmark = pytest.mark.slow

FILES = {
    "ws.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: crash}
        spec: {runs: {retry: {maxAttempts: 1}}}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {name: m}
        spec:
          provider: scripted
          config:
            turns:
              - toolCalls: [{name: effect_tool, args: {line: "{{ input }}"}}]
              - text: "done: {{ last_tool_result }}"
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: effect_tool}
        spec: {entrypoint: "crash_tools:effect_tool", tags: [mutating]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: deep}
        spec: {backend: deepagents, model: m, tools: [effect_tool]}
        """,
    "crash_tools.py": """
        import os


        def effect_tool(line: str) -> str:
            with open(os.environ["DA_EFFECTS"], "a") as f:
                f.write(line + "\\n")
                f.flush()
                os.fsync(f.fileno())
            return "wrote " + line
        """,
}


async def test_killed_after_a_tool_resumes_without_repeating_it(tmp_path: Path,
                                                               monkeypatch) -> None:
    ws = write_files(tmp_path / "ws", FILES)
    effects = tmp_path / "effects.log"
    monkeypatch.setenv("DA_EFFECTS", str(effects))
    proc = subprocess.run(
        [sys.executable, "-m", "stable_harness", "-w", str(ws), "run", "tea", "--json"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "STABLE_HARNESS_CRASH_AT": "tool-result-recorded:effect_tool"})
    assert proc.returncode == -9, proc.stderr
    assert effects.read_text().splitlines() == ["tea"]

    runtime = await Runtime.open(ws)
    try:
        [run] = await runtime.list_runs()
        done = await runtime.wait(run.id, timeout=60)
        events = await runtime.store.read_events(run.id)
    finally:
        await runtime.close()
    assert done.status == "completed", done.error
    assert done.output == "done: wrote tea"
    assert effects.read_text().splitlines() == ["tea"]
    assert [e.payload["reason"] for e in events if e.type == EventType.RUN_RESUMED] == \
        ["recovered"]
