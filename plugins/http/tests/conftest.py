"""Fixtures: a copy of the test workspace, a runtime on it, and the apps over that runtime."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding
from stable_harness.surfaces.bindings import load_for_serving
from stable_harness.testing.serving import ServedRuntime
from stable_harness_http.config import NativeConfig, OpenAIConfig

HERE = Path(__file__).parent
TOKEN = "test-token-0123456789"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(HERE / "workspace", root)
    return root


@pytest.fixture
async def runtime(workspace: Path) -> AsyncIterator[Runtime]:
    rt = await Runtime.open(load_for_serving(workspace))
    try:
        yield rt
    finally:
        await rt.close()


def native_binding(token: str | None = None, **config: object) -> SurfaceBinding:
    return SurfaceBinding("http", "127.0.0.1", 0, token, NativeConfig(**config))


def openai_binding(token: str | None = None, **config: object) -> SurfaceBinding:
    return SurfaceBinding("openaiCompatible", "127.0.0.1", 0, token, OpenAIConfig(**config))


@pytest.fixture
async def native(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the native app, in process."""
    from stable_harness_http.native.app import build_native_app

    app = build_native_app(runtime, native_binding())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        yield client



def serve(workspace: Path, token: str | None) -> ServedRuntime:
    """Both surfaces over one runtime on free loopback ports, in a thread (so sync clients
    can call them)."""
    return ServedRuntime(workspace, [native_binding(token), openai_binding(token)])


@pytest.fixture
def served(workspace: Path):
    with serve(workspace, None) as server:
        yield server


@pytest.fixture
def token() -> str:
    return TOKEN


@pytest.fixture
def served_with_token(workspace: Path):
    with serve(workspace, TOKEN) as server:
        yield server
