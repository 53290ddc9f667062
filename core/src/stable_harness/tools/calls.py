"""What a running tool may tell the runtime about its call: progress, and artifacts.

Inside a tool call made by the runtime, :func:`current_call` returns the call's context (None
anywhere else). ``await call.progress(done, total, message)`` becomes a
``harness.tool.progress`` event (``stable_harness.tool.progress`` on the OpenAI stream);
``await call.artifact(name, data, media_type)`` stores a file-like result and returns its
description. MCP tools report through it; a Python tool may too::

    from stable_harness.tools.calls import current_call

    async def crawl(urls: list[str]) -> int:
        call = current_call()
        for n, url in enumerate(urls):
            if call is not None:
                await call.progress(n, len(urls), f"fetching {url}")
            ...
        return len(urls)
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Protocol


class ToolCallContext(Protocol):
    """The runtime's side of one tool call."""

    async def progress(self, progress: float, total: float | None = None,
                       message: str | None = None) -> None:
        """Report how far the call has got (``total`` when it is known)."""
        ...

    async def artifact(self, name: str, content: bytes | str,
                       media_type: str = "application/octet-stream") -> dict[str, Any]:
        """Store ``content`` as an artifact of the run; return its description."""
        ...


CURRENT: ContextVar[ToolCallContext | None] = ContextVar("stable_harness_tool_call",
                                                         default=None)


def current_call() -> ToolCallContext | None:
    """The running tool call's context (None outside a runtime tool call)."""
    return CURRENT.get()
