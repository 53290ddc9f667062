"""SIGKILL during an MCP tool call, then recovery in a new process: the ledger's rule holds
for MCP tools too. A tool the server does not declare idempotent is not called again behind
the operator's back (an approval with reason ``tool_outcome_unknown``); an idempotent one is
simply repeated."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def cli(ws: Path, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stable_harness", "-w", str(ws), *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize(("tool", "arguments", "idempotent"), [
    ("toggle-simulated-logging", {}, False),  # idempotentHint: false
    ("echo", {"message": "again"}, True),  # idempotentHint: true
])
def test_sigkill_inside_an_mcp_call_then_recover(tmp_path: Path, kit, tool: str,
                                                 arguments: dict[str, object],
                                                 idempotent: bool) -> None:
    ws = kit.workspace(tmp_path / "ws", {"everything": {
        "transport": "stdio", "command": kit.node_server("mcp-server-everything"),
        "args": ["stdio"]}})
    killed = cli(ws, "run", kit.plan((tool, arguments)), "--agent", "caller", "--json",
                 env={"STABLE_HARNESS_CRASH_AT": f"tool-intent-recorded:{tool}"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # killed before it printed anything (nothing acknowledged): the store's one run
    run_id = (json.loads(killed.stdout.splitlines()[0])["runId"] if killed.stdout.strip()
              else _only_run(ws))

    recovered = cli(ws, "recover", "--json")
    assert recovered.returncode == 0, recovered.stderr
    [row] = json.loads(recovered.stdout)["recovered"]
    assert row["runId"] == run_id
    if idempotent:
        assert row["status"] == "completed"
        shown = json.loads(cli(ws, "inspect", "run", run_id, "--json").stdout)
        assert json.loads(shown["run"]["output"]) == [{"ok": "Echo: again"}]
        [call] = shown["toolCalls"]
        assert call["attempt"] == 2  # the call was made again by the recovering process
        return
    assert row["status"] == "waiting_approval"
    [approval] = json.loads(cli(ws, "inspect", "approvals", "--json").stdout)
    assert approval["reason"] == "tool_outcome_unknown"
    assert approval["action"]["tool"] == tool
    done = cli(ws, "approve", approval["approvalId"], "--decision", "reject", "--json")
    final = json.loads(done.stdout.splitlines()[-1])
    assert final["runId"] == run_id
    assert final["type"] == "harness.run.completed"  # the agent read the refusal and went on


def _only_run(ws: Path) -> str:
    conn = sqlite3.connect(ws / ".stable-harness" / "runtime.db")
    try:
        [(run_id,)] = conn.execute("SELECT id FROM runs").fetchall()
    finally:
        conn.close()
    return str(run_id)
