"""The busy-session policy: what a new request does when its session has a run in flight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stable_harness.errors import SessionBusyError
from stable_harness.runs.events import EventType
from stable_harness.runs.models import Run
from stable_harness.runs.states import RunStatus
from stable_harness.store.contract import PendingEvent

if TYPE_CHECKING:
    from stable_harness.runtime.runtime import Runtime


async def settle_busy(runtime: Runtime, session_id: str, busy: list[Run]) -> bool:
    """Apply ``runs.busySession``; return True when the new run must queue."""
    if not busy:
        return False
    policy = runtime.spec.busy_session
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
            await _roll_back(runtime, run)
    return False


async def _roll_back(runtime: Runtime, run: Run) -> None:
    result = await runtime.store.update_unowned(
        run.id, {RunStatus.CANCELLED}, {"rolled_back": True},
        [PendingEvent(EventType.RUN_ROLLED_BACK, {"runId": run.id, "sessionId": run.session_id})])
    if result is not None:
        runtime.publish(result[1])
