"""The ``langgraph`` surface: the LangGraph server API served by uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding

from stable_harness_langgraph_api.config import LangGraphConfig


class LangGraphSurface:
    """``factory(config)`` of the ``langgraph`` surface."""

    def __init__(self, config: LangGraphConfig) -> None:
        self.config = config

    async def serve(self, runtime: Runtime, binding: SurfaceBinding, *,
                    ready: Callable[[str], None], stop: asyncio.Event) -> None:
        from stable_harness_http.server import serve_app

        from stable_harness_langgraph_api.app import build_langgraph_app
        from stable_harness_langgraph_api.crons import Crons
        from stable_harness_langgraph_api.service import LangGraphService

        crons = Crons(LangGraphService(runtime, self.config))
        scheduler = asyncio.create_task(crons.serve(stop), name="langgraph-crons")
        try:
            await serve_app(build_langgraph_app(runtime, binding, stop, crons), binding,
                            ready=ready, stop=stop)
        finally:
            scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await scheduler
