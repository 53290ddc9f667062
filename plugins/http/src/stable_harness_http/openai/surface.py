"""The ``openaiCompatible`` surface: the OpenAI-compatible API served by uvicorn."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding

from stable_harness_http.config import OpenAIConfig


class OpenAISurface:
    """``factory(config)`` of the ``openaiCompatible`` surface."""

    def __init__(self, config: OpenAIConfig) -> None:
        self.config = config

    async def serve(self, runtime: Runtime, binding: SurfaceBinding, *,
                    ready: Callable[[str], None], stop: asyncio.Event) -> None:
        from stable_harness_http.openai.app import build_openai_app
        from stable_harness_http.server import serve_app

        await serve_app(build_openai_app(runtime, binding, stop), binding, ready=ready,
                        stop=stop)
