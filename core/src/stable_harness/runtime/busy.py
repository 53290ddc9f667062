"""The busy-session policy: what a new request does when its session has a run in flight, and
(``enqueue``) which queued run starts when the session's run ends."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from stable_harness.errors import SessionBusyError
from stable_harness.runs.events import EventType
from stable_harness.runs.models import Run
from stable_harness.runs.states import IN_FLIGHT, RunStatus
from stable_harness.store.contract import PendingEvent

if TYPE_CHECKING:
    from stable_harness.runtime.runtime import Runtime


async def settle_busy(runtime: Runtime, session_id: str, busy: list[Run],
                      policy: str | None = None) -> bool:
    """Apply ``policy`` (the request's own, else ``runs.busySession``); return True when the
    new run must queue."""
    if not busy:
        return False
    policy = policy or runtime.spec.busy_session
    if policy == "reject":
        ids = ", ".join(r.id for r in busy)
        raise SessionBusyError(
            f"session {session_id} has a run in flight ({ids}); wait for it, cancel it, "
            "or set `runs.busySession` to enqueue, interrupt or rollback")
    if policy == "enqueue":
        return True
    for run in busy:
        await runtime.cancel(run.id, reason=f"interrupted by a new request ({policy})")
        if policy == "rollback":
            await roll_back(runtime, run)
    return False


async def roll_back(runtime: Runtime, run: Run) -> None:
    """Mark a cancelled run rolled back: its turn is left out of the session's history."""
    result = await runtime.store.update_unowned(
        run.id, {RunStatus.CANCELLED}, {"rolled_back": True},
        [PendingEvent(EventType.RUN_ROLLED_BACK, {"runId": run.id, "sessionId": run.session_id})])
    if result is not None:
        runtime.publish(result[1])


async def start_next_queued(runtime: Runtime, session_id: str) -> None:
    """Start the session's oldest queued run, unless a run of the session is in flight or the
    next one is already being started (by this process or another)."""
    async with runtime.sessions.hold(session_id):
        runs = await runtime.store.list_runs(session_id=session_id, statuses=IN_FLIGHT)
        if not runs or any(r.status is not RunStatus.QUEUED or r.owner is not None
                           for r in runs):
            return
        now = time.time()
        claimed = await runtime.store.claim(runs[0].id, runtime.owner,
                                            now + runtime.spec.lease_seconds, now,
                                            {RunStatus.QUEUED})
    if claimed is not None and not runtime._closed:
        runtime._launch(claimed, "start", None)
