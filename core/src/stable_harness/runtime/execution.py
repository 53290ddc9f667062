"""Driving one run: attempts, the adapter's event stream, and every state transition.

Each transition is appended to the writer together with its event and awaited, so it is
committed before anyone can see the event. A run is only ever driven by the process holding its
lease; parking it in ``waiting_approval`` or finishing it releases the lease in the same commit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from stable_harness.backends.contract import (
    BackendEvent,
    Interrupt,
    Result,
    StepBlocked,
)
from stable_harness.runs.contract import TIMESTAMP_FIELD
from stable_harness.runs.events import Event, EventType, now_iso
from stable_harness.runs.models import Approval, Attempt, Decision, Run, new_id
from stable_harness.runs.states import RunStatus, can_transition
from stable_harness.runtime.context import Replay, RunContext, SuspendRun
from stable_harness.runtime.faults import crash_point
from stable_harness.runtime.settings import backoff_delay, error_types, is_transient
from stable_harness.runtime.tools import (
    NondeterministicReplayError,
    RunBlockedError,
    ToolCallError,
    ToolRunner,
)
from stable_harness.store.contract import RunPatch

if TYPE_CHECKING:
    from stable_harness.runtime.runtime import Runtime
    from stable_harness.runtime.writer import EventWriter


class ActiveRun:
    """A run this process holds the lease of: its in-memory sequence counter and services."""

    def __init__(self, runtime: Runtime, run: Run) -> None:
        self.runtime = runtime
        self.run = run
        self.writer: EventWriter = runtime.writer
        box = runtime.toolbox
        self.tools = ToolRunner(self, box.resolve, box.check, box.govern,
                                runtime.spec.refusal_budget)
        self.seq = run.last_seq
        self.cancel_reason: str | None = None
        self.context: RunContext | None = None
        self.began = asyncio.Event()  # set once the activation's first transition is stored

    async def emit(self, type_: str, payload: dict[str, Any], *, ordinal: int | None = None,
                   parent_id: str | None = None) -> str:
        """Append an event (not awaited to disk unless the backlog is large); return its id."""
        self.seq += 1
        timestamp = now_iso()
        if type_ in TIMESTAMP_FIELD:
            payload = contract_payload(type_, payload, timestamp, self.run.mode)
        event = Event(self.run.id, self.seq, type_, self.run.session_id, timestamp, payload,
                      parent_id, ordinal)
        await self.writer.append_event(event)
        return event.id

    async def transition(self, status: RunStatus, type_: str, payload: dict[str, Any],
                         *, durable: bool = True, **fields: Any) -> None:
        """Persist a state change and its event in one commit, then return (at once with
        ``durable=False``: the change rides the writer's next commit, still before its event
        is announced)."""
        if not can_transition(self.run.status, status):
            raise RuntimeError(f"illegal transition {self.run.status} -> {status}")
        fields.update(status=status, updated_at=time.time())
        for name, value in fields.items():
            setattr(self.run, name, value)
        self.writer.pending.patches.append(RunPatch(self.run.id, fields))
        await self.emit(type_, payload)
        if durable:
            await self.writer.sync()

    async def earlier_threads(self) -> list[str]:
        """The checkpoint threads this run continues (see :class:`GraphThreads`): earlier
        runs of its session that started and were not rolled back, newest first, then the
        session's own id."""
        runs = await self.runtime.store.list_runs(session_id=self.run.session_id, limit=10_000)
        return [*(r.id for r in reversed(runs)
                  if r.id != self.run.id and r.created_at <= self.run.created_at
                  and r.attempt > 0 and not r.rolled_back), self.run.session_id]

    async def session_history(self) -> list[dict[str, Any]]:
        """Completed, not rolled-back runs of the session before this one."""
        runs = await self.runtime.store.list_runs(session_id=self.run.session_id, limit=10_000)
        return [{"runId": r.id, "input": r.input, "output": r.output} for r in runs
                if r.status is RunStatus.COMPLETED and not r.rolled_back
                and r.created_at <= self.run.created_at and r.id != self.run.id]


class Executor:
    """Runs activations of runs for a :class:`Runtime`."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def drive(self, active: ActiveRun, mode: str, decision: Decision | None) -> None:
        """Activate the run until it finishes, parks, or this process lets go of it."""
        reason = mode
        while True:
            again = await self._activate(active, reason, decision)
            if not again:
                return
            reason, decision = "retry", None

    async def _activate(self, active: ActiveRun, reason: str, decision: Decision | None
                        ) -> bool:
        run = active.run
        settings = self.runtime.settings_for(run)
        first = reason == "start" and run.attempt == 0
        attempt = await self._begin(active, reason)
        active.began.set()
        # a run's first activation has nothing to replay: no call, approval or step yet
        replay = Replay() if first else await self._replay(run.id)
        ctx = active.context = RunContext(active, replay, decision)
        try:
            async with asyncio.timeout(settings.timeout_seconds) as deadline:
                await self.runtime.toolbox.prepare(run.agent)  # its tool servers, once
                ctx.memory = await self.runtime.memories.bind(ctx)
                if ctx.memory is not None and reason == "start" and run.attempt == 1:
                    ctx.recalled = await ctx.memory.recall(_text_of(run.input))
                outcome = await self._consume(ctx, self._stream(ctx, reason, decision))
        except SuspendRun as suspend:
            await self._park(active, ctx, suspend.approval, attempt)
            return False
        except asyncio.CancelledError:
            if active.cancel_reason is None:  # shutdown: leave it for recovery
                await self._end_attempt(attempt, "interrupted", None)
                raise
            _uncancel()
            await self._cancelled(active, attempt)
            return False
        except TimeoutError as exc:
            if not deadline.expired():
                return await self._failed(active, attempt, exc, settings)
            error = {"code": "timeout", "message":
                     f"the run exceeded its time limit of {settings.timeout_seconds} s"}
            await self._fail(active, attempt, error)
            return False
        except RunBlockedError as exc:
            await self._blocked(active, ctx, StepBlocked(exc.step_id, exc.reason, exc.data),
                                attempt)
            return False
        except Exception as exc:
            return await self._failed(active, attempt, exc, settings)
        if isinstance(outcome, StepBlocked):
            await self._blocked(active, ctx, outcome, attempt)
            return False
        await ctx.flush_output()
        crash_point("run-completing", run.agent)
        output = outcome.output if outcome.output is not None else ctx.output_text
        await self._end_attempt(attempt, "completed", None)
        # receipts known in memory (some may still be pending in the writer); artifacts are
        # committed as they are recorded
        evidence = len(ctx.receipts) + len(await self.runtime.store.list_artifacts(run.id))
        await active.transition(
            RunStatus.COMPLETED, EventType.RUN_COMPLETED,
            {"runId": run.id, "sessionId": run.session_id, "output": output,
             "attempt": run.attempt, "status": str(RunStatus.COMPLETED),
             "evidenceCount": evidence},
            output=output, ended_at=time.time(), owner=None, lease_expires_at=None)
        return False

    def _stream(self, ctx: RunContext, reason: str, decision: Decision | None
                ) -> AsyncIterator[BackendEvent]:
        run = ctx.run
        if run.tool_call is not None:
            return _direct_tool_call(ctx)
        adapter = self.runtime.adapter(run.agent)
        if reason in ("start", "retry"):
            return adapter.start(ctx)
        return adapter.resume(ctx, decision)

    async def _consume(self, ctx: RunContext, stream: AsyncIterator[BackendEvent]
                       ) -> Result | StepBlocked:
        async for event in stream:
            if isinstance(event, Result | StepBlocked):
                await _close_stream(stream)
                return event
            if isinstance(event, Interrupt):
                await _close_stream(stream)
                raise SuspendRun(self._interrupt_approval(ctx, event))
            await ctx.emit(event)
        return Result(None)

    @staticmethod
    def _interrupt_approval(ctx: RunContext, event: Interrupt) -> Approval:
        known = ctx.replay.approvals.get(event.key)
        if known is not None and known.decision is None:
            return known
        return Approval(new_id("apr"), ctx.run_id, ctx.session_id, event.key, event.action,
                        event.reason, event.requester, time.time())

    async def _begin(self, active: ActiveRun, reason: str) -> Attempt:
        run = active.run
        number = run.attempt + 1
        now = time.time()
        attempt = Attempt(run.id, number, now, reason)
        self.runtime.writer.pending.attempts.append(attempt)
        if reason in ("start", "retry"):
            type_, payload = EventType.RUN_STARTED, {
                "runId": run.id, "sessionId": run.session_id, "agent": run.agent,
                "attempt": number}
        else:
            type_, payload = EventType.RUN_RESUMED, {
                "runId": run.id, "attempt": number,
                "reason": "approval" if reason == "resume" else "recovered"}
        # A start is not awaited to disk: a crash before the next commit leaves the run
        # admitted and leased, which recovery takes over as it does a running one, and what
        # the activation must not lose (a tool's intent, the outcome) commits it. A resume is:
        # until then the store says the run is parked, which waiters take as settled.
        await active.transition(RunStatus.RUNNING, type_, payload,
                                durable=reason == "resume", attempt=number,
                                started_at=run.started_at or now)
        return attempt

    async def _replay(self, run_id: str) -> Replay:
        store = self.runtime.store
        approvals = {a.key: a for a in await store.list_approvals(run_id=run_id)}
        return Replay(await store.ledger(run_id), approvals, await store.max_ordinal(run_id))

    async def _end_attempt(self, attempt: Attempt, outcome: str,
                           error: dict[str, Any] | None) -> None:
        attempt.ended_at, attempt.outcome, attempt.error = time.time(), outcome, error
        self.runtime.writer.pending.attempts.append(attempt)

    async def _park(self, active: ActiveRun, ctx: RunContext, approval: Approval,
                    attempt: Attempt) -> None:
        run = active.run
        active.writer.pending.approvals.append(approval)
        ordinal = ctx.next_ordinal()
        await active.emit(EventType.APPROVAL_REQUESTED, {
            "runId": run.id, "approvalId": approval.id, "action": approval.action,
            "reason": approval.reason, "requester": approval.requester}, ordinal=ordinal)
        await self._end_attempt(attempt, "waiting_approval", None)
        await active.transition(RunStatus.WAITING_APPROVAL, EventType.RUN_WAITING_APPROVAL,
                                {"runId": run.id, "approvalId": approval.id},
                                owner=None, lease_expires_at=None)

    async def _cancelled(self, active: ActiveRun, attempt: Attempt) -> None:
        run = active.run
        now = time.time()
        await self._end_attempt(attempt, "cancelled", None)
        for approval in await self.runtime.store.list_approvals(run_id=run.id, status="pending"):
            approval.status = "cancelled"
            active.writer.pending.approvals.append(approval)
        await active.transition(
            RunStatus.CANCELLED, EventType.RUN_CANCELLED,
            {"runId": run.id, "sessionId": run.session_id, "status": "cancelled",
             "cancelledAt": _iso(now), "reason": active.cancel_reason},
            cancelled_at=now, ended_at=now, owner=None, lease_expires_at=None)

    async def _blocked(self, active: ActiveRun, ctx: RunContext, event: StepBlocked,
                       attempt: Attempt) -> None:
        run = active.run
        error = {"code": "blocked", "message": event.reason, "stepId": event.step_id}
        await self._end_attempt(attempt, "blocked", error)
        await active.transition(
            RunStatus.BLOCKED, EventType.STEP_BLOCKED,
            {"runId": run.id, "stepId": event.step_id, "reason": event.reason, **event.data},
            error=error, ended_at=time.time(), owner=None, lease_expires_at=None)

    async def _failed(self, active: ActiveRun, attempt: Attempt, exc: Exception,
                      settings: Any) -> bool:
        """Record a failed attempt; return True when another attempt should follow."""
        run = active.run
        types = exc.error.get("types", []) if isinstance(exc, ToolCallError) else \
            error_types(exc)
        error = {"code": "error", "message": f"{type(exc).__name__}: {exc}", "type": types[0]
                 if types else type(exc).__name__}
        if isinstance(exc, NondeterministicReplayError):
            error["code"] = "nondeterministic_replay"
        transient = is_transient(types, settings.retry)
        # this attempt may not be committed yet (a start rides the next commit)
        retries = sum(1 for a in await self.runtime.store.list_attempts(run.id)
                      if a.reason == "retry" and a.number != attempt.number)
        retries += attempt.reason == "retry"
        if transient and isinstance(exc, ToolCallError) and not exc.idempotent:
            error["code"] = "not_retryable"
            error["message"] += " (the tool is not idempotent, so the call is not repeated)"
        elif transient and retries + 1 < settings.retry.max_attempts:
            delay = backoff_delay(settings.retry, retries + 1)
            await self._end_attempt(attempt, "failed", error)
            await active.emit(EventType.RUN_RETRYING, {
                "runId": run.id, "attempt": run.attempt, "delaySeconds": round(delay, 3),
                "error": error})
            await active.writer.sync()
            try:
                await asyncio.sleep(delay)
            except asyncio.CancelledError:
                if active.cancel_reason is None:
                    raise
                _uncancel()
                await self._cancelled(active, Attempt(run.id, run.attempt, time.time(), "retry"))
                return False
            return True
        await self._fail(active, attempt, error)
        return False

    async def _fail(self, active: ActiveRun, attempt: Attempt, error: dict[str, Any]) -> None:
        run = active.run
        await self._end_attempt(attempt, "failed", error)
        await active.transition(
            RunStatus.FAILED, EventType.RUN_FAILED,
            {"runId": run.id, "sessionId": run.session_id, "error": error,
             "attempt": run.attempt},
            error=error, ended_at=time.time(), owner=None, lease_expires_at=None)


def contract_payload(type_: str, payload: dict[str, Any], timestamp: str, mode: str
                     ) -> dict[str, Any]:
    """``payload`` with the ``harness.execution`` fields it lacks: the event's time under the
    contract's name, the run's ``mode``, a step's ``stepKey``, a failure's ``reason``."""
    out = dict(payload)
    out.setdefault(TIMESTAMP_FIELD[type_], timestamp)
    if type_ in (EventType.RUN_STARTED, EventType.STEP_STARTED):
        out.setdefault("mode", mode)
    if type_ == EventType.STEP_STARTED:
        out.setdefault("stepKey", out.get("name") or out.get("stepId"))
    if type_ == EventType.RUN_FAILED and "reason" not in out:
        error = out.get("error") or {}
        out["reason"] = error.get("message") or error.get("code") or "failed"
    return out


async def evidence_count(store: Any, run_id: str) -> int:
    """What ``evidenceCount`` counts: the run's tool-call receipts and recorded artifacts, as
    stored (``harness.run.get``; the completion event counts the same without waiting for
    the writer)."""
    return len(await store.ledger(run_id)) + len(await store.list_artifacts(run_id))


async def _direct_tool_call(ctx: RunContext) -> AsyncIterator[BackendEvent]:
    call = ctx.run.tool_call
    assert call is not None
    yield Result(await ctx.call_tool(call.name, call.arguments))


async def _close_stream(stream: AsyncIterator[BackendEvent]) -> None:
    close = getattr(stream, "aclose", None)
    if close is not None:
        await close()


def _text_of(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _uncancel() -> None:
    task = asyncio.current_task()
    if task is not None:
        while task.cancelling():
            task.uncancel()


def _iso(ts: float) -> str:
    from stable_harness.runs.models import iso

    value = iso(ts)
    assert value is not None
    return value
