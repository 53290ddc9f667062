"""``start`` reads the workspace's ``.env`` (or the file the Runtime names), and the seed's
protocol-level ``env`` / ``envFile``; shell variables always win."""

from __future__ import annotations

from pathlib import Path

import pytest
from stable_harness.errors import WorkspaceError
from stable_harness.workspace.env_files import apply_env_files

from ..conftest import write_files

RUNTIME = """
    apiVersion: stable-harness.dev/v1
    kind: Runtime
    metadata: {name: env}
    spec:
"""


def test_dot_env_is_read_and_the_shell_wins(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"runtime.yaml": RUNTIME + "      defaultAgent: a\n",
                                  ".env": "FROM_FILE=file\nSHELL_SET=file\n"})
    env = {"SHELL_SET": "shell"}
    [source] = apply_env_files(root, env)
    assert env == {"FROM_FILE": "file", "SHELL_SET": "shell"}
    assert (source.source, source.applied) == (".env", ("FROM_FILE",))


def test_the_runtime_chooses_the_file_and_protocols_add_theirs(tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "runtime.yaml": RUNTIME + """
          envFile: config/app.env
          protocols:
            langgraph:
              env: {LG_ONLY: inline, BOTH: inline}
              envFile: lg.env
            off: {enabled: false, env: {IGNORED: x}}
        """.replace("\n        ", "\n    "),
        "config/app.env": "APP=1\nBOTH=app\n", "lg.env": "LG_FILE=1\n",
        ".env": "DEFAULT_IGNORED=1\n"})
    env: dict[str, str] = {}
    apply_env_files(root, env)
    assert env == {"LG_ONLY": "inline", "BOTH": "inline", "LG_FILE": "1", "APP": "1"}


def test_a_named_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"runtime.yaml": RUNTIME + "      envFile: nope.env\n"})
    with pytest.raises(WorkspaceError, match=r"env file 'nope\.env' does not exist"):
        apply_env_files(root, {})
    assert apply_env_files(write_files(tmp_path / "b", {"runtime.yaml": RUNTIME + "      {}\n"}),
                           {}) == []
