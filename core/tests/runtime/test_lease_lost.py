"""A process that lost a run's lease (paused past it while another process took the run
over) says so, naming the new owner, and writes nothing more for that run."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import pytest
from stable_harness.runs.models import LedgerStatus
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

WS = {
    "ws.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: lease}
        spec: {runs: {leaseSeconds: 1}}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: gated}
        spec: {entrypoint: "lease_mod:gated"}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: a}
        spec: {backend: python, entrypoint: "lease_mod:agent", tools: [gated]}
        """,
    "lease_mod.py": """
        import os
        import time
        from pathlib import Path


        def gated() -> str:
            gate = Path(os.environ["LEASE_GATE"])
            while not gate.exists():
                time.sleep(0.01)
            return "done"


        async def agent(ctx):
            result = await ctx.call_tool("gated", {})
            await ctx.output("after " + result)
            return result
        """,
}


@pytest.fixture
def ws(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("LEASE_GATE", str(tmp_path / "gate"))
    return write_files(tmp_path / "ws", WS)


async def test_a_stale_owner_reports_the_new_owner_and_writes_nothing(ws, tmp_path, caplog
                                                                      ) -> None:
    # was: the paused process exited with no message and its last writes collided
    caplog.set_level(logging.ERROR)
    async with await Runtime.open(ws) as rt:
        run = await rt.start({})
        deadline = time.monotonic() + 10
        while not any(e.type == "harness.tool.started"
                      for e in await rt.store.read_events(run.id)):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        with sqlite3.connect(ws / ".stable-harness" / "runtime.db") as conn:  # a takeover
            conn.execute("UPDATE runs SET owner = 'proc-other', lease_expires_at = ? "
                         "WHERE id = ?", (time.time() + 3600, run.id))
        seen = len(await rt.store.read_events(run.id))
        (tmp_path / "gate").write_text("open")
        while run.id in rt.active_run_ids():
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        events = await rt.store.read_events(run.id)
        stored = await rt.store.get_run(run.id)
        [entry] = (await rt.store.ledger(run.id)).values()
    assert len(events) == seen  # no tool.completed, no output, no transition
    assert stored.owner == "proc-other"
    assert stored.status == "running"
    assert entry.status is LedgerStatus.STARTED  # the new owner decides about the call
    message = " ".join(r.getMessage() for r in caplog.records)
    assert f"lost the lease of run {run.id} to proc-other" in message


@pytest.mark.slow
def test_a_process_paused_past_its_lease_says_it_lost_the_run(ws, tmp_path) -> None:
    # was: after SIGCONT it exited 3 with no message, its last writes colliding
    import os
    import signal
    import subprocess
    import sys

    cli = [sys.executable, "-m", "stable_harness", "-w", str(ws)]
    proc = subprocess.Popen([*cli, "run", "go"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    for line in proc.stdout:  # paused while the tool runs
        if "tool.started" in line:
            break
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        deadline = time.monotonic() + 30
        while True:  # another process takes the run over once the lease has expired
            recovered = subprocess.run([*cli, "recover", "--json"], capture_output=True,
                                       text=True, timeout=60)
            if '"runId"' in recovered.stdout:
                break
            assert time.monotonic() < deadline, recovered.stdout + recovered.stderr
            time.sleep(0.2)
    finally:
        (tmp_path / "gate").write_text("open")  # the tool returns once the process runs
        os.kill(proc.pid, signal.SIGCONT)
    _, err = proc.communicate(timeout=60)
    assert "lost the lease of run" in err
    assert "took it over" in err
