"""SIGKILL mid-run, restart, resume from LangGraph's checkpoint without repeating a tool."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from stable_harness.runs.events import EventType
from stable_harness.runtime import Runtime

from .conftest import effects

pytestmark = pytest.mark.slow


def run_cli(ws: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stable_harness", "-w", str(ws), *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


async def test_killed_after_a_tool_resumes_from_the_checkpoint(ws: Path) -> None:
    env = {"LG_EFFECTS": str(ws.parent / "effects.log"),
           "STABLE_HARNESS_CRASH_AT": "tool-result-recorded:effect_tool"}
    proc = run_cli(ws, "run", "tea", "--json", env=env)
    assert proc.returncode == -9, proc.stderr  # killed by SIGKILL at the crash point
    assert effects(ws) == ["tea"]

    runtime = await Runtime.open(ws)  # recovery resumes the orphaned run
    try:
        [run] = await runtime.list_runs()
        done = await runtime.wait(run.id, timeout=60)
        events = await runtime.store.read_events(run.id)
    finally:
        await runtime.close()
    assert done.status == "completed", done.error
    assert done.output == "done: wrote tea"
    assert effects(ws) == ["tea"]  # the non-idempotent tool did not run again
    resumed = [e for e in events if e.type == EventType.RUN_RESUMED]
    assert resumed
    assert resumed[0].payload["reason"] == "recovered"
    started = [e.payload["tool"] for e in events if e.type == EventType.TOOL_STARTED]
    assert started == ["echo_tool", "effect_tool"]  # nothing re-executed after the restart
