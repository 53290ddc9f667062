"""Tool calls through the runtime: the tool-call ledger, time limits and tool events.

Intent is committed before a tool runs and the outcome after, keyed by run and call position
(for tools tagged ``idempotent`` or ``read-only`` both ride the next group commit instead of
waiting for their own: losing them in a crash only means the call is repeated).
On replay a recorded outcome is returned instead of calling the tool again. A call whose intent
is recorded but whose outcome is not (the process died while it ran) is repeated only for
tools tagged ``idempotent``; for any other tool an operator decides through an approval
(reason ``tool_outcome_unknown``), because the effect may already have happened.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from stable_harness.errors import StableHarnessError
from stable_harness.gateway import CheckedCall, GatewayNote, ToolRefusal
from stable_harness.gateway.policy import Governance, Verdict
from stable_harness.runs.events import EventType
from stable_harness.runs.models import Artifact, LedgerEntry, LedgerStatus, new_id
from stable_harness.runtime.faults import crash_point
from stable_harness.runtime.settings import error_types
from stable_harness.tools import calls

if TYPE_CHECKING:
    from stable_harness.runtime.context import RunContext
    from stable_harness.runtime.execution import ActiveRun
    from stable_harness.runtime.sync_tools import SyncToolThreads


class ToolCallError(StableHarnessError):
    """A tool call failed; ``error`` is the recorded ``{code, message, types}``."""

    def __init__(self, tool: str, error: dict[str, Any], *, idempotent: bool = True) -> None:
        self.tool = tool
        self.error = error
        self.idempotent = idempotent
        super().__init__(f"tool '{tool}' failed: {error.get('message')}")


class ToolNotAvailableError(ToolCallError):
    """The agent asked for a tool it may not use or that does not exist."""


class ToolRefusedError(ToolNotAvailableError):
    """The tool gateway refused the call; ``error["message"]`` is written for the model."""

    def __init__(self, refusal: ToolRefusal) -> None:
        self.refusal = refusal
        super().__init__(refusal.tool, {"code": refusal.code, "message": refusal.for_model(),
                                        "types": []})


class RunBlockedError(StableHarnessError):
    """The run cannot go on (e.g. too many refused tool calls): it ends ``blocked``."""

    def __init__(self, step_id: str, reason: str, data: dict[str, Any]) -> None:
        self.step_id, self.reason, self.data = step_id, reason, data
        super().__init__(reason)


class NondeterministicReplayError(StableHarnessError):
    """A replay made a different call than the recorded one at the same position."""


@dataclass(frozen=True)
class LoadedTool:
    """A callable tool and what the runtime needs to know about it."""

    name: str
    function: Callable[..., Any]
    parameters: dict[str, Any]
    description: str
    idempotent: bool
    timeout_seconds: float | None
    # where the tool comes from, added to its events (``{"source": "mcp", "server": ...}``)
    origin: Mapping[str, str] = field(default_factory=dict)


class ToolRunner:
    """Executes one run's tool calls (see the module docstring)."""

    def __init__(self, active: ActiveRun, resolve: Callable[[str, str], LoadedTool],
                 gate: Callable[[str, Any, Any], CheckedCall],
                 govern: Callable[[str, CheckedCall], Governance],
                 refusal_budget: int) -> None:
        self._active = active
        self._resolve = resolve
        self._gate = gate
        self._govern = govern
        self._budget = refusal_budget

    async def call(self, ctx: RunContext, name: str, arguments: Any, *,
                   key: str | None = None) -> Any:
        """Check the call with the gateway, then run it once, as far as the ledger can tell."""
        key = ctx.next_key("call") if key is None else f"id:{key}"
        checked = await self._check(ctx, key, name, arguments)
        name, arguments = checked.tool, checked.arguments
        tool = self._resolve(self._active.run.agent, name)
        entry = ctx.replay.ledger.get(key)
        if entry is not None and entry.tool != name:
            raise NondeterministicReplayError(
                f"replay called tool '{name}' where the ledger recorded '{entry.tool}' ({key})")
        if entry is not None and entry.status is LedgerStatus.SUCCEEDED:
            ctx.skip_ordinals(2)
            return entry.result
        if entry is not None and entry.status is LedgerStatus.FAILED and not (
                tool.idempotent and entry.attempt < self._active.run.attempt):
            ctx.skip_ordinals(2)
            raise ToolCallError(name, entry.error or {}, idempotent=tool.idempotent)
        if entry is not None and not tool.idempotent and entry.status in (
                LedgerStatus.STARTED, LedgerStatus.ABANDONED):
            decision = await ctx.request_approval(
                {"tool": name, "arguments": entry.arguments}, "tool_outcome_unknown",
                requester="runtime", key=f"{key}:rerun")
            if not decision.approved:
                raise ToolCallError(name, {"code": "rejected", "message": decision.message
                                           or "re-running the tool was rejected", "types": []})
            arguments = decision.arguments or entry.arguments
        return await self._execute(ctx, key, tool, arguments)

    async def _check(self, ctx: RunContext, key: str, name: str, arguments: Any
                     ) -> CheckedCall:
        """The gateway's verdict, then the policies'; repairs and refusals are events
        (refusals: ``harness.step.blocked``); a call a policy wants approved waits for it."""
        active = self._active
        try:
            checked = self._gate(active.run.agent, name, arguments)
            governance = self._govern(active.run.agent, checked)
            if governance.verdict is Verdict.DENY:
                raise _denied(checked, governance)
        except ToolRefusal as refusal:
            await self._refuse(ctx, key, refusal)
        if checked.notes:
            ordinal = ctx.next_ordinal()
            if ordinal is not None:
                await active.emit(EventType.TOOL_REPAIRED, {
                    "runId": active.run.id, "callId": key, "tool": checked.tool,
                    "arguments": checked.arguments,
                    "repairs": [n.to_dict() for n in checked.notes]}, ordinal=ordinal)
        if governance.verdict is Verdict.APPROVAL:
            checked = await self._approved(ctx, key, checked, governance)
        return checked

    async def _approved(self, ctx: RunContext, key: str, checked: CheckedCall,
                        governance: Governance) -> CheckedCall:
        """Wait for the decision a policy asked for; an edit is checked again (it cannot get
        past a deny)."""
        decision = await ctx.request_approval(
            {"tool": checked.tool, "arguments": checked.arguments,
             "reasons": governance.reasons(Verdict.APPROVAL)},
            "policy", requester="runtime", key=f"{key}:policy")
        if not decision.approved:
            await self._refuse(ctx, key, ToolRefusal(
                checked.tool, "govern", "rejected",
                "a reviewer rejected this call" + (f": {decision.message}"
                                                   if decision.message else "")
                + ". Nothing was run.", checked.notes))
        if decision.arguments is None:
            return checked
        try:
            edited = self._gate(self._active.run.agent, checked.tool, decision.arguments)
            governance = self._govern(self._active.run.agent, edited)
            if governance.verdict is Verdict.DENY:
                raise _denied(edited, governance)
        except ToolRefusal as refusal:
            await self._refuse(ctx, key, refusal)
        return edited

    async def _refuse(self, ctx: RunContext, key: str, refusal: ToolRefusal) -> NoReturn:
        """Record a refusal and raise the typed error (or end the run past the budget)."""
        active = self._active
        ctx.refusals += 1
        ordinal = ctx.next_ordinal()
        diagnostics = refusal.to_dict()
        if ordinal is not None:
            await active.emit(EventType.STEP_BLOCKED, {
                "runId": active.run.id, "stepId": key, "reason": refusal.code,
                "diagnostics": diagnostics}, ordinal=ordinal)
        if ctx.refusals > self._budget:
            raise RunBlockedError(key, f"refusal budget exhausted: {ctx.refusals} tool "
                                  f"calls refused in this run (limit {self._budget})",
                                  {"diagnostics": diagnostics}) from refusal
        raise ToolRefusedError(refusal) from None

    async def _execute(self, ctx: RunContext, key: str, tool: LoadedTool,
                       arguments: dict[str, Any]) -> Any:
        active = self._active
        started = ordinal_started = ctx.next_ordinal()
        entry = LedgerEntry(active.run.id, key, tool.name, arguments, tool.idempotent,
                            LedgerStatus.STARTED, active.run.attempt, time.time())
        active.writer.pending.ledger.append(entry)
        ctx.receipts.add(key)
        parent = None
        if started is not None:
            parent = await active.emit(EventType.TOOL_STARTED, {
                "runId": active.run.id, "callId": key, "tool": tool.name,
                "arguments": arguments, **tool.origin}, ordinal=ordinal_started)
        ordinal_done = ctx.next_ordinal()
        view = calls.CURRENT.set(_CallView(active, key, tool.name, parent))
        try:
            # a cancel may land while the intent is being made durable, after it is visible:
            # the call is then abandoned like one cancelled mid-flight, never left `started`
            if not tool.idempotent:  # the intent must be durable before an effect can happen
                await active.writer.sync()
            crash_point("tool-intent-recorded", tool.name)
            result = await _invoke(tool, arguments, active.runtime.sync_tools)
        except asyncio.CancelledError:
            # the run is being cancelled: stop waiting now, and say that the outcome of the
            # call is unknown (a synchronous tool's thread may still be running). A shutdown
            # leaves the entry `started`, so recovery treats the call as it treats a crash.
            if active.cancel_reason is None:
                raise
            active.writer.pending.ledger.append(LedgerEntry(
                entry.run_id, key, tool.name, arguments, tool.idempotent,
                LedgerStatus.ABANDONED, entry.attempt, entry.started_at, None,
                {"code": "abandoned", "message": "the run was cancelled while the tool ran",
                 "types": []}, time.time()))
            active.writer.kick()
            raise
        except Exception as exc:
            error = {"code": "timeout" if isinstance(exc, TimeoutError) else "error",
                     "message": f"{type(exc).__name__}: {exc}", "types": error_types(exc)}
            await self._record(entry, LedgerStatus.FAILED, None, error, ordinal_done, parent,
                               EventType.TOOL_FAILED, {"error": error, **tool.origin})
            raise ToolCallError(tool.name, error, idempotent=tool.idempotent) from exc
        finally:
            calls.CURRENT.reset(view)
        crash_point("tool-executed", tool.name)
        await self._record(entry, LedgerStatus.SUCCEEDED, result, None, ordinal_done, parent,
                           EventType.TOOL_COMPLETED, {"result": result, **tool.origin})
        crash_point("tool-result-recorded", tool.name)
        return result

    async def _record(self, entry: LedgerEntry, status: LedgerStatus, result: Any,
                      error: dict[str, Any] | None, ordinal: int | None, parent: str | None,
                      type_: str, extra: dict[str, Any]) -> None:
        active = self._active
        done = LedgerEntry(entry.run_id, entry.call_key, entry.tool, entry.arguments,
                           entry.idempotent, status, entry.attempt, entry.started_at, result,
                           error, time.time())
        active.writer.pending.ledger.append(done)
        if ordinal is not None:
            await active.emit(type_, {"runId": entry.run_id, "callId": entry.call_key,
                                      "tool": entry.tool, **extra},
                              ordinal=ordinal, parent_id=parent)
        if not entry.idempotent:
            # an idempotent call whose outcome is lost is simply repeated; others must not be
            await active.writer.sync()


class _CallView:
    """The runtime's side of one tool call (:mod:`stable_harness.tools.calls`).

    Its events carry no ordinal: a replay that returns the recorded outcome does not call the
    tool again, so they are never written twice for one recorded call."""

    def __init__(self, active: ActiveRun, key: str, tool: str, parent: str | None) -> None:
        self._active, self._key, self._tool, self._parent = active, key, tool, parent

    async def progress(self, progress: float, total: float | None = None,
                       message: str | None = None) -> None:
        active = self._active
        await active.emit(EventType.TOOL_PROGRESS, {
            "runId": active.run.id, "callId": self._key, "tool": self._tool,
            "progress": progress, "total": total, "message": message},
            parent_id=self._parent)

    async def artifact(self, name: str, content: bytes | str,
                       media_type: str = "application/octet-stream") -> dict[str, Any]:
        active = self._active
        data = content.encode() if isinstance(content, str) else bytes(content)
        art = Artifact(new_id("art"), active.run.id, name, media_type, data,
                       hashlib.sha256(data).hexdigest(), time.time())
        active.writer.pending.artifacts.append(art)
        description = art.to_dict()
        await active.emit(EventType.ARTIFACT_RECORDED, description, parent_id=self._parent)
        return description


async def _invoke(tool: LoadedTool, arguments: dict[str, Any], threads: SyncToolThreads
                  ) -> Any:
    async with asyncio.timeout(tool.timeout_seconds):
        if inspect.iscoroutinefunction(tool.function):
            return await tool.function(**arguments)
        # sync tools run in a thread so they cannot stall other runs; a cancel or timeout
        # sets the call's cancellation token and ends the wait at once (Python cannot
        # interrupt the thread itself)
        result = await threads.run(tool.name, tool.function, arguments)
        if inspect.isawaitable(result):
            result = await result
        return result


def _denied(checked: CheckedCall, governance: Governance) -> ToolRefusal:
    reasons = governance.reasons(Verdict.DENY)
    return ToolRefusal(
        checked.tool, "govern", "denied",
        "a policy denies this call: " + "; ".join(reasons) + ". Nothing was run.",
        checked.notes,
        [GatewayNote("govern", "denied", d.path or "$", reason=f"{d.policy}: {d.reason}")
         for d in governance.decisions if d.verdict is Verdict.DENY])
