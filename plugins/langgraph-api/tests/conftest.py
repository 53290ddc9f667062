"""Fixtures: a copy of the test workspace (the scaffold's agents plus user graphs) served with
the ``langgraph`` surface on a free loopback port, and clients of the official SDK."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from stable_harness.surfaces import SurfaceBinding
from stable_harness.testing.serving import ServedRuntime
from stable_harness_langgraph_api.config import LangGraphConfig

HERE = Path(__file__).parent
TOKEN = "lg-test-token-0123456789"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(HERE / "workspace", root)
    return root


def binding(token: str | None = None, **config: object) -> SurfaceBinding:
    return SurfaceBinding("langgraph", "127.0.0.1", 0, token, LangGraphConfig(**config))


@pytest.fixture
def serve_with(workspace: Path):
    """``serve_with(token=..., **config)``: the workspace served with that binding."""
    def start(token: str | None = None, **config: object) -> ServedRuntime:
        return ServedRuntime(workspace, [binding(token, **config)])
    return start


@pytest.fixture
def served(workspace: Path):
    with ServedRuntime(workspace, [binding()]) as server:
        yield server


@pytest.fixture
def url(served: ServedRuntime) -> str:
    return served.urls["langgraph"]
