"""The ``http`` surface: the native runtime API served by uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding

from stable_harness_http.config import NativeConfig


class NativeSurface:
    """``factory(config)`` of the ``http`` surface."""

    def __init__(self, config: NativeConfig) -> None:
        self.config = config

    async def serve(self, runtime: Runtime, binding: SurfaceBinding, *,
                    ready: Callable[[str], None], stop: asyncio.Event) -> None:
        from stable_harness.surfaces import make_mounted

        from stable_harness_http.native.app import build_native_app
        from stable_harness_http.server import serve_app

        async with contextlib.AsyncExitStack() as stack:
            # surfaces served at a path of this one (MCP at /mcp), running while we serve
            mounts = {m.path: await stack.enter_async_context(
                make_mounted(runtime, m).mount(runtime)) for m in binding.mounts}
            await serve_app(build_native_app(runtime, binding, stop, mounts), binding,
                            ready=ready, stop=stop)
