"""The process of a stdio MCP server, for its exit code.

``mcp.client.stdio_client`` starts the server and keeps the process to itself; an operator
needs the exit code of a server that would not start or that died. The SDK's spawn function
is wrapped once so that the process started inside :func:`recording` is kept in its slot.
Without that function (another SDK version) the slot stays empty and messages omit the code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass
class Spawned:
    """The process a connection started, once it has."""

    process: Any = None

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.returncode


_SLOT: ContextVar[Spawned | None] = ContextVar("stable_harness_mcp_spawned", default=None)
_wrapped = False


def _install() -> None:
    global _wrapped
    if _wrapped:
        return
    from mcp.client import stdio

    spawn = getattr(stdio, "_create_platform_compatible_process", None)
    if spawn is None:
        return

    async def recorded(*args: Any, **kwargs: Any) -> Any:
        process = await spawn(*args, **kwargs)
        slot = _SLOT.get()
        if slot is not None:
            slot.process = process
        return process

    stdio._create_platform_compatible_process = recorded  # type: ignore[attr-defined]
    _wrapped = True


@contextlib.contextmanager
def recording() -> Iterator[Spawned]:
    """A slot that receives the process a stdio client spawns in this context."""
    _install()
    slot = Spawned()
    token = _SLOT.set(slot)
    try:
        yield slot
    finally:
        _SLOT.reset(token)
