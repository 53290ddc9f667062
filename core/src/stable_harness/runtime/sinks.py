"""Event sinks are projections: each gets its own queue and worker, so a slow or failing sink
never slows or fails a run. Delivery runs in a worker thread (sinks may block on I/O); a full
queue drops events for that sink only and counts them; failures are reported through
``on_failure`` (the runtime turns them into ``harness.sink.failed`` events and store health)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from stable_harness.runs.events import Event, EventType

QUEUE_LIMIT = 10_000
CLOSE_TIMEOUT_SECONDS = 2.0


class EventSink(Protocol):
    """What an event-sink factory returns."""

    def handle(self, event: dict[str, Any]) -> None:
        """Project one event (its public envelope form)."""

    def close(self) -> None:
        """Flush and release resources."""


FailureCallback = Callable[[str, Event, BaseException], Awaitable[None]]


@dataclass
class _Lane:
    name: str
    sink: EventSink
    queue: deque[Event] = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: int = 0
    delivered: int = 0
    failures: int = 0
    last_error: str | None = None
    task: asyncio.Task[None] | None = None


class SinkFanout:
    """Delivers committed events to every sink (see the module docstring)."""

    def __init__(self, sinks: list[tuple[str, EventSink]], on_failure: FailureCallback) -> None:
        self._lanes = [_Lane(name, sink) for name, sink in sinks]
        self._on_failure = on_failure
        self._closing = False

    def start(self) -> None:
        """Start one worker per sink."""
        for lane in self._lanes:
            lane.task = asyncio.get_running_loop().create_task(self._work(lane),
                                                              name=f"sink-{lane.name}")

    def publish(self, events: list[Event]) -> None:
        """Queue committed events; never blocks."""
        for lane in self._lanes:
            for event in events:
                if event.type == EventType.SINK_FAILED and event.payload.get("sink") == lane.name:
                    continue  # don't feed a failing sink the report of its own failure
                if len(lane.queue) >= QUEUE_LIMIT:
                    lane.dropped += 1
                    continue
                lane.queue.append(event)
            if lane.queue:
                lane.wake.set()

    async def _work(self, lane: _Lane) -> None:
        while True:
            await lane.wake.wait()
            lane.wake.clear()
            batch = list(lane.queue)
            lane.queue.clear()
            if batch:
                errors = await asyncio.to_thread(_deliver, lane.sink, batch)
                lane.delivered += len(batch) - len(errors)
                for event, exc in errors:
                    lane.failures += 1
                    lane.last_error = f"{type(exc).__name__}: {exc}"
                    await self._on_failure(lane.name, event, exc)
            if self._closing and not lane.queue:
                return

    def health(self) -> dict[str, dict[str, Any]]:
        """Per sink: delivered, dropped, failures, last error (this process)."""
        return {lane.name: {"delivered": lane.delivered, "dropped": lane.dropped,
                            "failures": lane.failures, "lastError": lane.last_error}
                for lane in self._lanes}

    async def close(self) -> None:
        """Deliver what is queued (bounded by a timeout), then close every sink."""
        self._closing = True
        tasks = [lane.task for lane in self._lanes if lane.task is not None]
        for lane in self._lanes:
            lane.wake.set()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=CLOSE_TIMEOUT_SECONDS)
            for task in pending:
                task.cancel()
        for lane in self._lanes:
            await asyncio.to_thread(_close, lane.sink)




def _deliver(sink: EventSink, batch: list[Event]) -> list[tuple[Event, BaseException]]:
    errors: list[tuple[Event, BaseException]] = []
    for event in batch:
        try:
            sink.handle(event.to_dict())
        except Exception as exc:  # a sink's bug is reported, never raised into a run
            errors.append((event, exc))
    return errors


def _close(sink: EventSink) -> None:
    with contextlib.suppress(Exception):  # best effort; the store already holds every event
        sink.close()
