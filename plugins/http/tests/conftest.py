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


class Served:
    """Both surfaces over one runtime, served by uvicorn on free loopback ports in a thread
    (so sync clients can call them)."""

    def __init__(self, workspace: Path, token: str | None, **openai_config: object) -> None:
        import asyncio
        import threading

        self.urls: dict[str, str] = {}
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self.runtime: Runtime | None = None
        bindings = [native_binding(token), openai_binding(token, **openai_config)]
        self._thread = threading.Thread(target=self._main, args=(workspace, bindings),
                                        daemon=True)
        self._thread.start()
        if not self._ready.wait(30) or self._error is not None:
            raise RuntimeError(f"server did not start: {self._error!r}")

    def _main(self, workspace: Path, bindings: list[SurfaceBinding]) -> None:
        import asyncio

        from stable_harness.surfaces import serve_surfaces

        async def main() -> None:
            self._stop = asyncio.Event()
            self.runtime = await Runtime.open(load_for_serving(workspace))
            try:
                await serve_surfaces(self.runtime, bindings, ready=self._on_ready,
                                     stop=self._stop)
            finally:
                await self.runtime.close()

        try:
            self._loop.run_until_complete(main())
        except BaseException as exc:  # reported to the test that started us
            self._error = exc
            self._ready.set()

    def _on_ready(self, binding: SurfaceBinding, url: str) -> None:
        self.urls[binding.name] = url
        if len(self.urls) == 2:
            self._ready.set()

    def call(self, coro):
        import asyncio

        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(30)

    def close(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


@pytest.fixture
def served(workspace: Path):
    server = Served(workspace, None)
    yield server
    server.close()


@pytest.fixture
def token() -> str:
    return TOKEN


@pytest.fixture
def served_with_token(workspace: Path):
    server = Served(workspace, TOKEN)
    yield server
    server.close()
