"""A relative ``-w`` means the same folder from wherever the CLI runs: checkpoints are found
again, so a run parked in one directory resumes (not restarts) when approved from another."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import effects

pytestmark = pytest.mark.slow


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    effects_log = (cwd if cwd.name != "ws" else cwd.parent) / "effects.log"  # beside ws/
    return subprocess.run([sys.executable, "-m", "stable_harness", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LG_EFFECTS": str(effects_log)})


def test_approved_from_the_parent_folder_the_run_resumes(ws: Path) -> None:
    parked = cli(ws, "-w", ".", "run", "-a", "gated", "tea", "--json")
    assert parked.returncode == 3, parked.stderr  # waiting for the approval
    listed = cli(ws.parent, "-w", "ws", "inspect", "approvals", "--json")
    [approval] = json.loads(listed.stdout)
    done = cli(ws.parent, "approve", approval["approvalId"], "-w", "ws", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    again = json.loads(cli(ws.parent, "-w", "ws", "inspect", "approvals", "--all",
                           "--json").stdout)
    assert len(again) == 1  # no new approval: the run did not start over
    assert effects(ws) == ["tea"]
    assert (ws / ".stable-harness" / "checkpoints.db").exists()
    assert not (ws / "ws").exists()
