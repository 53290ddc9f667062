"""SIGKILL crash tests and cross-process control, with real processes and the real CLI.

A run calls an idempotent tool, then a non-idempotent one that appends to an fsynced effect
file. The process is killed at fixed points; a new process recovers. Checks: every run ends
terminal or resumable, every event the killed process had shown (acknowledged) is stored
unchanged, and the non-idempotent effect never happens twice behind the operator's back.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def cli(ws: Path, *args: str, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stable_harness", "-w", str(ws), *args],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def spawn(ws: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "stable_harness", "-w", str(ws), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def stored_events(ws: Path, run_id: str) -> list[dict[str, object]]:
    conn = sqlite3.connect(ws / ".stable-harness" / "runtime.db")
    try:
        rows = conn.execute("SELECT seq, type, payload FROM events WHERE run_id = ? ORDER BY seq",
                            (run_id,)).fetchall()
    finally:
        conn.close()
    return [{"seq": s, "type": t, "payload": json.loads(p)} for s, t, p in rows]


def acknowledged(stdout: str) -> list[dict[str, object]]:
    events = []
    for line in stdout.splitlines():
        try:
            e = json.loads(line)
        except json.JSONDecodeError:  # a line cut by the kill was never acknowledged
            continue
        events.append({"seq": e["seq"], "type": e["type"], "payload": e["payload"]})
    return events


def effects(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def run_id_of(stdout: str, ws: Path | None = None) -> str:
    """The run the CLI printed; when it was killed before printing anything (nothing was
    acknowledged), the one run of the store."""
    if stdout.strip() or ws is None:
        return str(json.loads(stdout.splitlines()[0])["runId"])
    conn = sqlite3.connect(ws / ".stable-harness" / "runtime.db")
    try:
        [(run_id,)] = conn.execute("SELECT id FROM runs").fetchall()
    finally:
        conn.close()
    return str(run_id)


def pending_approval(ws: Path) -> dict[str, object]:
    result = cli(ws, "inspect", "approvals", "--json")
    [approval] = json.loads(result.stdout)
    return approval  # type: ignore[no-any-return]


@pytest.mark.parametrize("point", ["tool-intent-recorded:append_effect", "during-tool",
                                   "tool-executed:append_effect", "run-completing"])
def test_sigkill_then_recover(ws: Path, point: str) -> None:
    effect_file = ws.parent / "effects.log"
    env = {"RT_EFFECT_FILE": str(effect_file)}
    if point == "during-tool":
        child = spawn(ws, "run", "L1", "--agent", "effect", "--json",
                      env={**env, "RT_EFFECT_DELAY": "30"})
        deadline = time.time() + 30
        while not effects(effect_file) and time.time() < deadline:
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    else:
        child = spawn(ws, "run", "L1", "--agent", "effect", "--json",
                      env={**env, "STABLE_HARNESS_CRASH_AT": point})
    stdout, _ = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    seen = acknowledged(stdout)
    run_id = run_id_of(stdout, ws)

    recovered = cli(ws, "recover", "--json", env=env)
    assert recovered.returncode == 0, recovered.stderr
    [row] = json.loads(recovered.stdout)["recovered"]
    assert row["runId"] == run_id

    if point == "run-completing":
        assert row["status"] == "completed"  # every tool result was recorded: nothing re-runs
        assert effects(effect_file) == ["L1"]
    else:
        # the effect may or may not have happened: an operator decides, nothing repeats alone
        assert row["status"] == "waiting_approval"
        approval = pending_approval(ws)
        assert approval["reason"] == "tool_outcome_unknown"
        before = effects(effect_file)
        assert before == ([] if point.startswith("tool-intent") else ["L1"])
        decision = "approve" if not before else "reject"
        done = cli(ws, "approve", str(approval["approvalId"]), "--decision", decision,
                   "--json", env=env)
        final = json.loads(done.stdout.splitlines()[-1])
        assert final["type"] == ("harness.run.completed" if decision == "approve"
                                 else "harness.run.failed")
        assert effects(effect_file) == ["L1"]

    stored = stored_events(ws, run_id)
    assert stored[: len(seen)] == seen  # nothing acknowledged was lost or changed
    assert [e["seq"] for e in stored] == list(range(1, len(stored) + 1))


def test_cancel_from_a_second_process(ws: Path) -> None:
    runner = spawn(ws, "run", "60", "--agent", "sleeper", "--json")
    first_line = runner.stdout.readline() if runner.stdout else ""
    run_id = str(json.loads(first_line)["runId"])
    deadline = time.time() + 30
    while time.time() < deadline:
        if any(e["type"] == "harness.output.delta" for e in stored_events(ws, run_id)):
            break
        time.sleep(0.05)
    result = cli(ws, "cancel", run_id, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "cancelled"
    assert answer["cancelledAt"]
    runner.communicate(timeout=30)
    assert runner.returncode == 130
    assert stored_events(ws, run_id)[-1]["type"] == "harness.run.cancelled"
    # and it stays cancelled when a later process recovers
    assert json.loads(cli(ws, "recover", "--json").stdout)["recovered"] == []
    assert json.loads(cli(ws, "inspect", "run", run_id, "--json").stdout)["run"][
        "status"] == "cancelled"


def test_two_processes_never_drive_the_same_run(ws: Path) -> None:
    runner = spawn(ws, "run", "3", "--agent", "sleeper", "--json")
    run_id = str(json.loads(runner.stdout.readline() if runner.stdout else "")["runId"])
    recovered = cli(ws, "recover", "--json")  # the owner is alive and holds the lease
    assert json.loads(recovered.stdout)["recovered"] == []
    runner.communicate(timeout=30)
    events = stored_events(ws, run_id)
    assert [e["type"] for e in events].count("harness.run.started") == 1
    assert events[-1]["type"] == "harness.run.completed"
