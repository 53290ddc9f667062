"""In-process wake-ups for readers of a run's event stream.

Streams read events from the store (the source of truth) and sleep on the bus until the writer
publishes more for their run; a short poll interval covers runs driven by another process.
"""

from __future__ import annotations

import asyncio


class EventBus:
    """One ``asyncio.Event`` per run that somebody is waiting on: for any new event, or only
    for a change of the run's state (``harness.run.*`` and ``harness.step.blocked`` events),
    so that waiting for a run's end does not re-read the run on every streamed token."""

    def __init__(self) -> None:
        self._signals: dict[str, asyncio.Event] = {}
        self._state_signals: dict[str, asyncio.Event] = {}

    def signal(self, run_id: str, *, state_only: bool = False) -> asyncio.Event:
        """The wake-up signal of ``run_id`` (take it *before* reading, then wait on it)."""
        table = self._state_signals if state_only else self._signals
        event = table.get(run_id)
        if event is None:
            event = table[run_id] = asyncio.Event()
        return event

    def notify(self, run_ids: set[str], state_changed: set[str]) -> None:
        """Wake everyone waiting on these runs (state waiters: only for ``state_changed``)."""
        for table, ids in ((self._signals, run_ids), (self._state_signals, state_changed)):
            for run_id in ids:
                event = table.pop(run_id, None)
                if event is not None:
                    event.set()


async def wait_signal(signal: asyncio.Event, timeout: float) -> None:
    """Wait for ``signal`` at most ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            await signal.wait()
    except TimeoutError:
        pass
