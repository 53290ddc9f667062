"""The ``http`` surface: the native runtime API served by uvicorn."""

from __future__ import annotations

import asyncio
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
        from stable_harness_http.native.app import build_native_app
        from stable_harness_http.server import serve_app

        await serve_app(build_native_app(runtime, binding, stop), binding, ready=ready,
                        stop=stop)
