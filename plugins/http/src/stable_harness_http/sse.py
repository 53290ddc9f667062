"""Server-Sent Events: framing, keepalive comments, and stopping when the server stops."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def frame(data: Any, *, event: str | None = None, id: str | int | None = None) -> bytes:
    """One SSE message (``data`` is JSON-encoded unless it is already a string)."""
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    lines = [] if id is None else [f"id: {id}"]
    if event is not None:
        lines.append(f"event: {event}")
    lines.extend(f"data: {line}" for line in text.split("\n"))
    return ("\n".join(lines) + "\n\n").encode()


async def with_keepalive(source: AsyncIterator[bytes], *, every: float,
                         stop: asyncio.Event) -> AsyncIterator[bytes]:
    """Pass ``source`` through; send a comment when it is quiet for ``every`` seconds (so
    proxies keep the connection), and end when ``stop`` is set (server shutdown)."""
    stopper = asyncio.ensure_future(stop.wait())
    pending: asyncio.Future[bytes] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(source))
            done, _ = await asyncio.wait({pending, stopper}, timeout=every,
                                         return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                return
            if pending not in done:
                yield b": keepalive\n\n"
                continue
            try:
                chunk = pending.result()
            except StopAsyncIteration:
                return
            pending = None
            yield chunk
    finally:
        stopper.cancel()
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(BaseException):
                await aclose()
