"""From the outside: docs/plugin-authoring.md followed to the letter, in a folder outside the
repository, turns the template into an installed plugin that passes its tests and runs a
request through ``stable-harness run``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "plugin-authoring.md"


def doc_commands() -> list[str]:
    """The ```bash blocks of the page, in order."""
    return re.findall(r"^```bash\n(.*?)^```", DOC.read_text(), re.S | re.M)


def uv_dir() -> str:
    """A folder holding ``uv`` (and ``uvx``): the PATH's, else the test interpreter's."""
    found = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    assert Path(found).exists(), "uv is not installed (the dev environment installs it)"
    return str(Path(found).parent)


def test_the_page_has_the_steps_the_test_relies_on() -> None:
    script = "\n".join(doc_commands())
    for needle in ("cookiecutter-adapter", "pip install", "pytest", "plugins list",
                   "validate", "run -a"):
        assert needle in script, needle


@pytest.mark.slow
def test_following_the_page_outside_the_repo_gives_a_working_plugin(tmp_path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert REPO not in outside.resolve().parents
    script = "set -euo pipefail\n" + "\n".join(doc_commands())
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STABLE_HARNESS_", "PYTEST_", "VIRTUAL_ENV"))}
    env.update(STABLE_HARNESS_REPO=str(REPO), UV_PYTHON_DOWNLOADS="never",
               UV_PYTHON=sys.executable, PATH=f"{uv_dir()}{os.pathsep}{env.get('PATH', '')}")
    result = subprocess.run(["bash", "-c", script], cwd=outside, env=env, capture_output=True,
                            text=True, timeout=900, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"\d+ passed", result.stdout), output
    assert "echo-agent" in result.stdout
    assert "Hello, world!" in result.stdout
    assert ">> IT WORKS" in result.stdout
