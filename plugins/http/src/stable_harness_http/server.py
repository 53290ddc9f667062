"""Serving an ASGI app with uvicorn inside ``stable-harness start`` (which owns signals)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Generator
from typing import Any

import uvicorn
from stable_harness.surfaces import SurfaceBinding

GRACEFUL_SECONDS = 5.0


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # `start` handles SIGINT/SIGTERM for every surface and sets the stop event
        yield


async def serve_app(app: Any, binding: SurfaceBinding, *, ready: Callable[[str], None],
                    stop: asyncio.Event) -> None:
    """Serve ``app`` on ``binding`` until ``stop`` is set; report the URL once listening."""
    config = uvicorn.Config(app, host=binding.host, port=binding.port, lifespan="off",
                            log_level="warning", access_log=False,
                            timeout_graceful_shutdown=int(GRACEFUL_SECONDS))
    server = _Server(config)

    async def serve() -> None:
        # uvicorn calls sys.exit when it cannot bind; a SystemExit escaping a task would
        # stop the whole event loop with a traceback instead of this clear error
        with contextlib.suppress(SystemExit):
            await server.serve()

    task = asyncio.create_task(serve(), name=f"uvicorn-{binding.name}")
    while not server.started:
        if task.done():
            await task
            raise OSError(
                f"{binding.name}: cannot listen on {binding.url()} (is the port in use?); "
                f"choose another with --port {binding.name}=N or Runtime "
                f"spec.protocols.{binding.name}.port")
        await asyncio.sleep(0.01)
    ready(binding.url(_bound_port(server, binding.port)))
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait([task, stopper], return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopper.cancel()
    await task


def _bound_port(server: uvicorn.Server, port: int) -> int:
    for srv in getattr(server, "servers", []):
        for sock in srv.sockets:
            return int(sock.getsockname()[1])
    return port
