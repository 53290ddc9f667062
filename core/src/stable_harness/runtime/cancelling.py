"""The two ways ``harness.run.cancel`` stops a run: cancel the task of a run this process
drives, or settle a run nobody drives (queued, parked for an approval, or left by a dead owner)
in one conditional write. A run driven by another live process is asked through the store
instead (``request_cancel``), and woken through the store's signals where it has them (else
the owner notices within ``runs.cancelPollSeconds``).

:func:`cancel_through_store` is the whole of ``harness.run.cancel`` for a process that drives
nothing (``stable-harness cancel``): it needs the store alone, not a runtime."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

from stable_harness.errors import NotFoundError
from stable_harness.runs.events import Event, EventType
from stable_harness.runs.models import Run, iso
from stable_harness.runs.states import IN_FLIGHT, RunStatus
from stable_harness.runtime.bus import wait_signal
from stable_harness.runtime.leases import owner_is_dead
from stable_harness.runtime.wakeups import StoreWakeups
from stable_harness.store.contract import PendingEvent, RunStore

if TYPE_CHECKING:
    from stable_harness.backends.contract import BackendAdapter
    from stable_harness.runtime.execution import ActiveRun


async def cancel_task(task: asyncio.Task[None], active: ActiveRun,
                      adapter: BackendAdapter | None, reason: str) -> None:
    """Cancel the task driving ``active`` (telling its backend first, if it has one at work)
    and wait for it; the executor then records the run ``cancelled``."""
    if active.cancel_reason is None:
        active.cancel_reason = reason
        if active.context is not None and adapter is not None:
            with contextlib.suppress(Exception):  # the task is cancelled whatever the backend does
                await adapter.cancel(active.context)
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def cancel_unowned(store: RunStore, run: Run, reason: str) -> list[Event] | None:
    """Settle ``run`` as cancelled if nobody drives it; return the events to publish, or None
    when a live owner holds it."""
    now = time.time()
    pending = await store.list_approvals(run_id=run.id, status="pending")
    approval = pending[0] if pending else None
    if approval is not None:
        approval.status = "cancelled"
    result = await store.update_unowned(
        run.id, IN_FLIGHT,
        {"status": RunStatus.CANCELLED, "cancelled_at": now, "ended_at": now,
         "updated_at": now, "cancel_requested_at": run.cancel_requested_at or now},
        [PendingEvent(EventType.RUN_CANCELLED, {
            "runId": run.id, "sessionId": run.session_id, "status": "cancelled",
            "cancelledAt": iso(now), "reason": reason})],
        approval=approval,
        allow_expired_lease_at=float("inf") if owner_is_dead(run.owner) else now)
    return None if result is None else result[1]


async def request_cancel(store: RunStore, run: Run) -> None:
    """Ask the live owner of ``run`` to cancel it, and wake that owner."""
    await store.request_cancel(run.id, time.time())
    StoreWakeups(store).wake_owner(run.owner)


def cancel_result(run: Run) -> dict[str, Any]:
    """What ``harness.run.cancel`` answers: ``runId``, ``status``, ``cancelledAt``."""
    return {"runId": run.id, "status": str(run.status), "cancelledAt": iso(run.cancelled_at)}


async def cancel_through_store(store: RunStore, run_id: str, reason: str, wait: float
                               ) -> dict[str, Any]:
    """``harness.run.cancel`` with nothing but the store: settle a run nobody drives, or ask
    its owner and wait up to ``wait`` seconds for it to be cancelled (:func:`cancel_result`);
    a run that is not found raises :class:`NotFoundError`.

    A queued run behind the cancelled one is started by the next process that serves the
    workspace (its recovery sweep), not by this one."""
    run = await _get(store, run_id)
    if not run.status.terminal:
        if await cancel_unowned(store, run, reason) is not None:
            StoreWakeups(store).state_changed([run_id])
        else:
            await request_cancel(store, run)
            await wait_terminal(store, run_id, wait)
        run = await _get(store, run_id)
    return cancel_result(run)


async def wait_terminal(store: RunStore, run_id: str, timeout: float,
                        poll: float = 0.1) -> Run | None:
    """The run once it is terminal, or None after ``timeout`` seconds; woken by the store's
    signals where it has them, else polling every ``poll`` seconds."""
    wake = asyncio.Event()
    try:
        with StoreWakeups(store).watching(run_id, wake.set):
            async with asyncio.timeout(timeout):
                while True:
                    wake.clear()
                    run = await _get(store, run_id)
                    if run.status.terminal:
                        return run
                    await wait_signal(wake, poll)
    except TimeoutError:
        return None


async def _get(store: RunStore, run_id: str) -> Run:
    run = await store.get_run(run_id)
    if run is None:
        raise NotFoundError(f"no run '{run_id}'")
    return run
