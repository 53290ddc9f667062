"""The `{{ cookiecutter.plugin_name }}` protocol surface: JSON lines over TCP.

A client connects, sends one line ``{"agent": ..., "input": ..., "token": ...}`` and reads one
line back: ``{"runId", "status", "output"}`` or ``{"error": {"code", "message"}}``. This is
where a real protocol plugs in; whatever it is, it reaches runs only through ``runtime``, calls
``ready(url)`` once it listens, and returns when ``stop`` is set.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import Field
from stable_harness.builtin.config import PluginConfig
from stable_harness.errors import StableHarnessError
from stable_harness.surfaces.contract import SurfaceBinding

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime


class {{ cookiecutter.__class_prefix }}Config(PluginConfig):
    """`Runtime.spec.protocols.{{ cookiecutter.plugin_name }}.config`."""

    max_line_bytes: int = Field(65536, ge=64, description="Longest request line accepted.")


def _line(document: dict[str, Any]) -> bytes:
    return json.dumps(document, default=str).encode() + b"\n"


class {{ cookiecutter.__class_prefix }}Surface:
    """``factory(config)``."""

    def __init__(self, config: {{ cookiecutter.__class_prefix }}Config) -> None:
        self.config = config

    async def serve(self, runtime: Runtime, binding: SurfaceBinding, *,
                    ready: Callable[[str], None], stop: asyncio.Event) -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                writer.write(_line(await self._answer(runtime, binding, reader)))
                await writer.drain()
            finally:
                writer.close()

        server = await asyncio.start_server(handle, binding.host, binding.port,
                                            limit=self.config.max_line_bytes)
        port = server.sockets[0].getsockname()[1]
        ready(f"tcp://{binding.host}:{port}")
        try:
            await stop.wait()
        finally:
            server.close()
            await server.wait_closed()

    async def _answer(self, runtime: Runtime, binding: SurfaceBinding,
                      reader: asyncio.StreamReader) -> dict[str, Any]:
        try:
            request = json.loads(await reader.readline())
            if not isinstance(request, dict):
                raise ValueError("the request must be a JSON object")
        except ValueError as exc:  # includes a line over the limit
            return {"error": {"code": "bad_request", "message": str(exc)}}
        token = str(request.get("token") or "")
        if binding.bearer_token and not hmac.compare_digest(token.encode(),
                                                            binding.bearer_token.encode()):
            return {"error": {"code": "unauthorized", "message": "a valid token is required"}}
        try:
            run = await runtime.run(request.get("input"), agent=request.get("agent"))
        except StableHarnessError as exc:
            return {"error": {"code": "rejected", "message": str(exc)}}
        return {"runId": run.id, "status": str(run.status), "output": run.output}
