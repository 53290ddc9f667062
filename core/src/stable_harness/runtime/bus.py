"""In-process wake-ups for readers of a run's event stream.

Streams read events from the store (the source of truth) and sleep on the bus until the writer
publishes more for their run; a short poll interval covers runs driven by another process.
"""

from __future__ import annotations

import asyncio


class EventBus:
    """One ``asyncio.Event`` per run that somebody is waiting on."""

    def __init__(self) -> None:
        self._signals: dict[str, asyncio.Event] = {}

    def signal(self, run_id: str) -> asyncio.Event:
        """The wake-up signal of ``run_id`` (take it *before* reading, then wait on it)."""
        event = self._signals.get(run_id)
        if event is None:
            event = self._signals[run_id] = asyncio.Event()
        return event

    def notify(self, run_ids: set[str]) -> None:
        """Wake everyone waiting on these runs."""
        for run_id in run_ids:
            event = self._signals.pop(run_id, None)
            if event is not None:
                event.set()


async def wait_signal(signal: asyncio.Event, timeout: float) -> None:
    """Wait for ``signal`` at most ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            await signal.wait()
    except TimeoutError:
        pass
