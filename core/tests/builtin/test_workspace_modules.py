"""Workspace modules (``agents.py``, ``tools.py``) belong to their workspace, even when two
workspaces with the same module names are loaded in one process."""

from __future__ import annotations

from pathlib import Path

from stable_harness.builtin.python_tools import import_object
from stable_harness.testing.workspace import write_files


def test_two_workspaces_each_import_their_own_module(tmp_path: Path):
    first = write_files(tmp_path / "a", {"ws_mod_probe.py": "def who():\n    return 'a'\n"})
    second = write_files(tmp_path / "b", {"ws_mod_probe.py": "def who():\n    return 'b'\n"
                                                             "def only_b():\n    return 1\n"})
    assert import_object("ws_mod_probe:who", first)() == "a"
    assert import_object("ws_mod_probe:who", second)() == "b"
    assert import_object("ws_mod_probe:only_b", second)() == 1
    assert import_object("ws_mod_probe:who", first)() == "a"


def test_modules_the_workspace_does_not_have_are_left_alone(tmp_path: Path):
    import json

    root = write_files(tmp_path / "c", {"other.py": "x = 1\n"})
    assert import_object("json:dumps", root) is json.dumps
