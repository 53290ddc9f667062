"""Recovery and lease keeping: nothing stays "running" after its process died, and no run is
driven by two processes. A run is taken over only through the store's lease (``claim``), so
two recovering processes cannot both win, and a process that lost a lease (its fenced writes
refused) stops driving the run."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from stable_harness.errors import StableHarnessError
from stable_harness.runs.events import EventType
from stable_harness.runs.models import Run
from stable_harness.runs.states import RunStatus
from stable_harness.runtime.bus import wait_signal
from stable_harness.runtime.execution import ActiveRun
from stable_harness.runtime.leases import owner_is_dead

if TYPE_CHECKING:
    from stable_harness.runtime.runtime import Runtime

log = logging.getLogger(__name__)


async def recover_orphans(rt: Runtime) -> list[str]:
    """Take over in-flight runs nobody holds (lease expired, or owner process gone):
    resume them when their backend can, otherwise fail them with ``interrupted``."""
    now = time.time()
    candidates = {r.id: r for r in await rt.store.orphans(now)}
    for run in await rt.store.list_runs(statuses={RunStatus.QUEUED, RunStatus.RUNNING},
                                          limit=100_000):
        if owner_is_dead(run.owner):
            candidates[run.id] = run
    recovered = []
    for run in candidates.values():
        if run.id in rt._tasks:
            continue
        if await _recover_one(rt, run):
            recovered.append(run.id)
    return recovered


async def _recover_one(rt: Runtime, run: Run) -> bool:
    if run.cancel_requested_at is not None:
        return await rt._cancel_unowned(run, "cancelled by request")
    now = time.time()
    horizon = float("inf") if owner_is_dead(run.owner) else now
    claimed = await rt.store.claim(run.id, rt.owner, now + rt.spec.lease_seconds,
                                     horizon, {RunStatus.QUEUED, RunStatus.RUNNING})
    if claimed is None:
        return False
    if claimed.status is RunStatus.QUEUED:
        siblings = await rt.store.list_runs(session_id=claimed.session_id,
                                              statuses={RunStatus.RUNNING,
                                                        RunStatus.WAITING_APPROVAL})
        if siblings:  # still behind another run of its session
            await rt.store.release(claimed.id, rt.owner)
            return False
        rt._launch(claimed, "start", None)
    elif claimed.tool_call is not None or rt._can_resume(claimed.agent):
        rt._launch(claimed, "recover", None)
    else:
        active = ActiveRun(rt, claimed)
        error = {"code": "interrupted", "message": "the process driving the run stopped "
                 "and its backend cannot resume"}
        await active.transition(
            RunStatus.FAILED, EventType.RUN_FAILED,
            {"runId": claimed.id, "sessionId": claimed.session_id, "error": error,
             "attempt": claimed.attempt},
            error=error, ended_at=time.time(), owner=None, lease_expires_at=None)
    return True


async def keep_leases(rt: Runtime, sweep: bool) -> None:
    """Renew leases, act on cancels requested by other processes, and (when ``sweep``)
    recover runs whose owner died while this process runs."""
    last_renew = last_sweep = time.time()
    while True:
        await wait_signal(rt.cancel_wake, rt.spec.cancel_poll_seconds)  # or a signalled cancel
        rt.cancel_wake.clear()
        now = time.time()
        try:
            if rt._tasks and now - last_renew >= rt.spec.lease_seconds / 3:
                await rt.store.renew(rt.owner, now + rt.spec.lease_seconds)
                last_renew = now
            if rt._tasks:
                for run_id in await rt.store.cancel_requests(rt.owner):
                    if run_id in rt._tasks:
                        asyncio.get_running_loop().create_task(
                            rt._cancel_local(run_id, "cancelled by request"))
            if sweep and now - last_sweep >= rt.spec.lease_seconds:
                last_sweep = now
                await recover_orphans(rt)
        except StableHarnessError:  # a store hiccup must not end lease keeping
            continue


def stop_lost_runs(rt: Runtime, lost: dict[str, str]) -> None:
    """Another owner took over runs this process was driving (it was paused or cut off for
    longer than the lease; the store refused its fenced writes): say so, and stop driving
    them. ``lost`` maps run ids to their owner (``nobody`` once released)."""
    for run_id, owner in sorted(lost.items()):
        holder = ("another process took it over and has released it since" if
                  owner == "nobody" else f"{owner} took it over and drives it now")
        log.error("this process (%s) lost the lease of run %s to %s: it was paused or cut "
                  "off for longer than the lease (%s s) and %s; this process stops driving "
                  "the run and writes nothing more for it", rt.owner, run_id, owner,
                  rt.spec.lease_seconds, holder)
        held = rt._tasks.get(run_id)
        if held is not None and held[1].run.owner == rt.owner:
            held[0].cancel()
