"""Group commit: every write the runtime makes goes through one ordered, batched queue.

Writers append to the pending batch and either continue (output deltas, custom events) or await
durability (state transitions, ledger intents). One flusher task commits everything pending in
one transaction, then resolves the waiters and publishes the committed events. So events reach
streams and sinks only after they are durable (nothing a client saw can be lost), order is the
order of appends, and many concurrent runs share each commit. New runs are admitted the same
way (:meth:`EventWriter.admit`): a burst of starts shares one commit, and a start whose run
id or idempotency key is taken fails alone while the rest of its batch is written.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from stable_harness.runs.events import Event
from stable_harness.runs.models import Run, Session
from stable_harness.store.contract import DuplicateRunError, LeaseLostError, RunStore, WriteBatch

# Appenders wait once this many events are pending, so a fast producer cannot outrun the disk.
MAX_PENDING_EVENTS = 5000
# When nobody waits for durability, the flusher waits this long for more events first, so that
# a burst (streamed tokens, step events) shares one commit; anyone calling sync() cuts it short.
COALESCE_SECONDS = 0.002
# A producer that never awaits anything else (a model streaming from memory) yields to the
# loop after this many appends, so the flusher can hand the batch to the store's thread and
# the commit runs while the producer goes on.
YIELD_EVERY = 256


class EventWriter:
    """The batching queue in front of a :class:`RunStore` (see the module docstring)."""

    def __init__(self, store: RunStore, publish: Callable[[list[Event]], None], *,
                 owner: str | None = None,
                 lease_lost: Callable[[dict[str, str]], None] | None = None) -> None:
        self._store = store  # redaction, where it applies, is the store's (RedactingStore)
        self._publish = publish
        self._owner = owner  # batches are fenced: nothing lands on a run another owner holds
        self._lease_lost = lease_lost
        self._lost: set[str] = set()  # runs taken over by another owner: dropped from batches
        self._batch = WriteBatch()
        self._waiters: list[asyncio.Future[None]] = []
        self._admitting: dict[str, asyncio.Future[None]] = {}  # new run id -> its admission
        self._wake = asyncio.Event()
        self._urgent = asyncio.Event()  # somebody waits for durability: no coalescing
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def start(self) -> None:
        """Start the flusher task (on the running loop)."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="event-writer")

    @property
    def pending(self) -> WriteBatch:
        """The batch being filled; append to its lists, then call :meth:`kick` or :meth:`sync`."""
        return self._batch

    def kick(self) -> None:
        """Ask for a flush soon, without waiting for it."""
        if self._closed:
            raise RuntimeError("the event writer is closed")
        self._wake.set()

    async def append_event(self, event: Event) -> None:
        """Queue one event; wait only when the backlog is large."""
        events = self._batch.events
        events.append(event)
        self.kick()
        if len(events) > MAX_PENDING_EVENTS:
            await self.sync()
        elif len(events) % YIELD_EVERY == 0:
            await asyncio.sleep(0)

    async def sync(self) -> None:
        """Wait until everything appended so far is committed (raises if the commit failed)."""
        if not self._batch:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._urgent.set()
        self.kick()
        await asyncio.shield(waiter)

    def admit(self, session: Session, run: Run, event: Event) -> asyncio.Future[None]:
        """Queue a new run (its session, if new, and its first event) for the next commit.

        The returned future resolves once the run is durable, or fails with
        :class:`DuplicateRunError` if its id or idempotency key is taken (nothing of it is
        written then). It is not cancelled with its awaiter: once queued, the run is written."""
        if self._closed:
            raise RuntimeError("the event writer is closed")
        admitted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._admitting[run.id] = admitted
        self._batch.sessions.append(session)
        self._batch.new_runs.append(run)
        self._batch.events.append(event)
        self._urgent.set()
        self.kick()
        return admitted

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._waiters and not self._closed:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(COALESCE_SECONDS):
                        await self._urgent.wait()  # a sync() or close() ends the wait early
                self._wake.clear()
            self._urgent.clear()
            if self._batch:
                await self._flush_once()
            elif self._waiters:
                self._resolve(self._waiters, None)
                self._waiters = []
            if self._closed and not self._batch:
                return

    async def _flush_once(self) -> None:
        batch, waiters, admitting = self._batch, self._waiters, self._admitting
        self._batch, self._waiters, self._admitting = WriteBatch(), [], {}
        refused: dict[str, DuplicateRunError] = {}
        try:
            batch = await self._write_fenced(batch, refused)
        except BaseException as exc:  # waiters learn of it; the flusher keeps serving others
            self._resolve([*waiters, *admitting.values()], exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        self._resolve(waiters, None)
        for run_id, admitted in admitting.items():
            if not admitted.done():
                failure = refused.get(run_id)
                if failure is None:
                    admitted.set_result(None)
                else:
                    admitted.set_exception(DuplicateRunError(str(failure), frozenset({run_id})))
        if batch.events:
            self._publish(batch.events)

    async def _write_fenced(self, batch: WriteBatch,
                            refused: dict[str, DuplicateRunError]) -> WriteBatch:
        """Write ``batch`` and return what was written: what it holds for runs another owner
        took over is dropped (and reported once), new runs the store refuses as duplicates
        are dropped into ``refused``, the rest is written."""
        batch.owner = self._owner
        for _ in range(8 + len(batch.new_runs)):  # each round drops at least one run
            if self._lost:
                batch = batch.without(self._lost)
            try:
                await self._store.write(batch)
                return batch
            except LeaseLostError as exc:
                self._lost |= set(exc.lost)
                if self._lease_lost is not None:
                    self._lease_lost(exc.lost)
            except DuplicateRunError as exc:
                at_fault = exc.runs & {r.id for r in batch.new_runs}
                if not at_fault:  # the store cannot say which: only a lone new run is sure
                    if len(batch.new_runs) != 1 or batch.touched():
                        raise
                    at_fault = frozenset({batch.new_runs[0].id})
                refused.update(dict.fromkeys(at_fault, exc))
                batch = batch.without_new(at_fault)
        raise RuntimeError("run store keeps refusing the batch")

    @staticmethod
    def _resolve(waiters: list[asyncio.Future[None]], exc: BaseException | None) -> None:
        for waiter in waiters:
            if waiter.done():
                continue
            if exc is None:
                waiter.set_result(None)
            else:
                waiter.set_exception(_copy(exc))

    async def close(self) -> None:
        """Flush what is pending and stop the flusher."""
        self._closed = True
        self._urgent.set()
        self._wake.set()
        if self._task is not None:
            await self._task


def _copy(exc: BaseException) -> BaseException:
    # one exception object raised in several tasks would share (and grow) a traceback
    copy: Any = RuntimeError(f"run store write failed: {type(exc).__name__}: {exc}")
    copy.__cause__ = exc
    return copy  # type: ignore[no-any-return]
