"""Shared fixtures for core tests: scaffolded workspaces and tiny installed test distributions."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from stable_harness.testing.workspace import write_files

__all__ = ["write_files"]  # re-exported for the test modules

PYTHON_WORKSPACE = Path(__file__).parent / "fixtures" / "python_workspace"


@pytest.fixture
def scaffold(tmp_path: Path) -> Path:
    """A workspace like ``stable-harness init``'s, on the built-in ``python`` backend so that
    the core's tests need no backend plugin (``init`` itself writes a DeepAgents workspace)."""
    root = tmp_path / "ws"
    root.mkdir()
    for path in PYTHON_WORKSPACE.iterdir():
        if path.is_file():
            (root / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (root / ".gitignore").write_text(".stable-harness/\n__pycache__/\n", encoding="utf-8")
    return root


@pytest.fixture
def make_dist(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Install a tiny distribution (dist-info + modules) on ``sys.path`` for one test.

    ``make_dist("demo-plugin", {"demo": "demo_mod"}, {"demo_mod.py": "..."})`` makes an entry point
    ``demo = demo_mod`` in the ``stable_harness`` group, discoverable by importlib.metadata exactly
    as an installed wheel would be. Returns the folder (usable as ``PYTHONPATH``).
    """
    added: list[str] = []
    modules: list[str] = []

    def make(dist: str, entry_points: Mapping[str, str], files: Mapping[str, str],
             version: str = "1.0.0") -> Path:
        site = tmp_path / f"site-{dist}"
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
        eps = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
        (info / "entry_points.txt").write_text(f"[stable_harness]\n{eps}\n", encoding="utf-8")
        write_files(site, files)
        modules.extend(Path(f).stem for f in files if f.endswith(".py"))
        sys.path.insert(0, str(site))
        added.append(str(site))
        importlib.invalidate_caches()
        return site

    yield make
    for entry in added:
        sys.path.remove(entry)
    for name in modules:
        sys.modules.pop(name, None)
    importlib.invalidate_caches()
