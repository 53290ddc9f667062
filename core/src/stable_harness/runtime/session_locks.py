"""One lock per session, held while a run is admitted to it or its next queued run started.

Admission reads the session's runs in flight, applies the busy-session policy and writes the
new run; with the store's I/O off the event loop, two starts in one session could otherwise
both read "idle" before either run is written. The lock makes read-decide-write one step per
process (processes sharing a store are serialised by the store's own transactions).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class SessionLocks:
    """Locks by session id, dropped once nobody holds or waits for them."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, session_id: str) -> AsyncIterator[None]:
        """Hold the lock of ``session_id`` for the body of the ``async with``."""
        lock, users = self._locks.get(session_id, (asyncio.Lock(), 0))
        self._locks[session_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[session_id]
            if users == 1:
                del self._locks[session_id]
            else:
                self._locks[session_id] = (lock, users - 1)
