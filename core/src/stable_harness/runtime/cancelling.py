"""The two ways ``harness.run.cancel`` stops a run: cancel the task of a run this process
drives, or settle a run nobody drives (queued, parked for an approval, or left by a dead owner)
in one conditional write. A run driven by another live process is asked through the store
instead (``request_cancel``); its owner polls for that."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from stable_harness.runs.events import Event, EventType
from stable_harness.runs.models import Run, iso
from stable_harness.runs.states import IN_FLIGHT, RunStatus
from stable_harness.runtime.leases import owner_is_dead
from stable_harness.store.contract import PendingEvent, RunStore

if TYPE_CHECKING:
    from stable_harness.backends.contract import BackendAdapter
    from stable_harness.runtime.execution import ActiveRun


async def cancel_task(task: asyncio.Task[None], active: ActiveRun, adapter: BackendAdapter,
                      reason: str) -> None:
    """Cancel the task driving ``active`` (telling its backend first) and wait for it; the
    executor then records the run ``cancelled``."""
    if active.cancel_reason is None:
        active.cancel_reason = reason
        if active.context is not None:
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
