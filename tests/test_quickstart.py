"""The README's main-job command works on a machine with only Python and pip."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .test_docs import ROOT, _quick_start


@pytest.mark.slow
def test_readme_main_job_command(tmp_path: Path) -> None:
    command = re.sub(r"\./(core|plugins/[\w-]+)", lambda m: str(ROOT / m.group(1)),
                     _quick_start()[0])
    proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "run.completed echo_tool said: hello" in proc.stdout
    assert "tool.started echo_tool" in proc.stdout
    assert "plan.updated" in proc.stdout  # DeepAgents' write_todos, projected live
    assert "output.delta" in proc.stdout
    # Running it again (a second try by the same user) still works.
    again = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True,
                           text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
