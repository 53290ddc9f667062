"""The run context: what an adapter (and a ``python``-backend agent) gets for one activation.

Replay: every side effect goes through the context, which numbers them. A resumed activation
(after an approval, a crash or a retry) runs the agent again from the top; tool calls already
in the ledger return their recorded results, decided approvals return their decisions, and
events already stored are not written twice. Agents must therefore be deterministic between
side effects, the rule Temporal workflows follow; a replay that calls a different tool at the
same position fails the run with ``nondeterministic_replay`` instead of guessing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stable_harness.backends.contract import (
    BackendEvent,
    Custom,
    DelegationCompleted,
    DelegationStarted,
    FileChanged,
    ModelUsage,
    OutputDelta,
    PlanUpdated,
    StepBlocked,
    StepCompleted,
    StepStarted,
    ToolFinished,
    ToolStarted,
    UpstreamChunk,
)
from stable_harness.runs.events import EventType
from stable_harness.runs.models import Approval, Artifact, Decision, LedgerEntry, Run, new_id

if TYPE_CHECKING:
    from stable_harness.memory.contract import MemoryItem
    from stable_harness.runtime.execution import ActiveRun
    from stable_harness.runtime.memory_access import GovernedMemory


class SuspendRun(BaseException):
    """Raised inside an agent to park the run until ``approval`` is decided.

    A ``BaseException`` so that an agent's ``except Exception`` cannot swallow it.
    """

    def __init__(self, approval: Approval) -> None:
        super().__init__(approval.id)
        self.approval = approval


@dataclass
class Replay:
    """What earlier activations of the run recorded."""

    ledger: dict[str, LedgerEntry] = field(default_factory=dict)
    approvals: dict[str, Approval] = field(default_factory=dict)
    max_ordinal: int = 0


class RunContext:
    """Passed to adapters and to ``python``-backend agents (see the module docstring)."""

    def __init__(self, active: ActiveRun, replay: Replay, decision: Decision | None = None
                 ) -> None:
        self._active = active
        self._replay = replay
        self.resume_decision = decision
        self._ops = 0
        self._ordinal = 0
        self._output: list[str] = []
        self._held = ""  # streamed text held back: it may begin a secret (see _carry)
        # the same for text in the framework's own stream, per stream key: (held, last chunk)
        self._streams: dict[str, tuple[str, dict[str, Any]]] = {}
        self.refusals = 0  # tool calls the gateway refused in this activation
        self.receipts = set(replay.ledger)  # ledger keys of the run so far (`evidenceCount`)
        # the agent's memory policy for this run (`Agent.spec.memory`), and what it recalled
        self.memory: GovernedMemory | None = None
        self.recalled: list[MemoryItem] = []

    # -- what the run is -------------------------------------------------------------------

    @property
    def run(self) -> Run:
        """The stored run (read-only view)."""
        return self._active.run

    @property
    def run_id(self) -> str:
        """The run id."""
        return self._active.run.id

    @property
    def session_id(self) -> str:
        """The session id."""
        return self._active.run.session_id

    @property
    def agent(self) -> str:
        """The agent name."""
        return self._active.run.agent

    @property
    def input(self) -> Any:
        """The request's input."""
        return self._active.run.input

    @property
    def metadata(self) -> dict[str, Any]:
        """The request's metadata."""
        return self._active.run.metadata

    @property
    def attempt(self) -> int:
        """The current attempt number (1 for the first)."""
        return self._active.run.attempt

    @property
    def output_text(self) -> str:
        """Output text emitted so far (including replayed parts)."""
        return "".join(self._output)

    async def history(self) -> list[dict[str, Any]]:
        """Earlier completed runs of this session (``input``/``output``), oldest first; runs
        rolled back by a busy-session ``rollback`` are left out."""
        return await self._active.session_history()

    async def earlier_threads(self) -> list[str]:
        """Checkpoint threads of the session this run continues, newest first (see
        :class:`~stable_harness.backends.contract.GraphThreads`)."""
        return await self._active.earlier_threads()

    @property
    def upstream(self) -> dict[str, Any]:
        """What the request gives the framework as is (``RunRequest.upstream``), or {}."""
        return self.run.upstream or {}

    # -- numbering for replay ---------------------------------------------------------------

    def next_key(self, kind: str) -> str:
        """A key stable across replays for the next side effect of ``kind``."""
        self._ops += 1
        return f"{kind}-{self._ops}"

    def next_ordinal(self) -> int | None:
        """The next event ordinal, or None when that event is already stored (replaying)."""
        self._ordinal += 1
        return None if self._ordinal <= self._replay.max_ordinal else self._ordinal

    def resume_natively(self) -> None:
        """Declare that this activation continues from the backend's own saved state (a
        LangGraph checkpoint) instead of replaying from the top: every event from here on is
        new, so none is suppressed as a replay. Tool calls keyed by the backend's own ids
        still return recorded outcomes from the ledger."""
        self._ordinal = max(self._ordinal, self._replay.max_ordinal)

    def skip_ordinals(self, count: int) -> None:
        """Advance past ``count`` events a replayed side effect would have written."""
        self._ordinal += count

    @property
    def replay(self) -> Replay:
        """Records of earlier activations."""
        return self._replay

    # -- events -----------------------------------------------------------------------------

    async def emit(self, event: BackendEvent) -> None:
        """Write a backend event as its ``harness.*`` event."""
        if isinstance(event, OutputDelta):
            await self.output(event.text)
            return
        if isinstance(event, UpstreamChunk):
            await self._upstream(event)
            return
        if self._held:
            await self.flush_output()
        ordinal = self.next_ordinal()
        if ordinal is None:
            return
        type_, payload = _map(event)
        await self._active.emit(type_, {"runId": self.run_id, **payload}, ordinal=ordinal)

    async def emit_event(self, type_: str, payload: dict[str, Any]) -> None:
        """Write an observation event (``harness.memory.*``): no ordinal, so a replay that
        observes again writes it again rather than being mistaken for a recorded step."""
        if self._held:
            await self.flush_output()
        await self._active.emit(type_, {"runId": self.run_id, **payload})

    def _carry(self, text: str) -> str:
        """The part of the stream that is safe to emit now (secrets redacted); a tail that
        could begin a secret is held until the next piece shows what it is."""
        redactor = self._active.runtime.redactor
        if not redactor:
            return text
        pending = redactor.text(self._held + text)
        keep = redactor.held_back(pending)
        self._held = pending[len(pending) - keep:] if keep else ""
        return pending[:len(pending) - keep] if keep else pending

    async def _upstream(self, chunk: UpstreamChunk) -> None:
        redactor = self._active.runtime.redactor
        payload: dict[str, Any] = {"runId": self.run_id, "mode": chunk.mode,
                                   "namespace": list(chunk.namespace),
                                   "data": redactor.tree(chunk.data) if redactor else chunk.data}
        if chunk.text is not None:
            text = str(chunk.text)
            if redactor:
                held = self._streams.get(chunk.stream, ("", payload))[0]
                pending = redactor.text(held + text)
                keep = redactor.held_back(pending)
                self._streams[chunk.stream] = (pending[len(pending) - keep:] if keep else "",
                                               payload)
                text = pending[:len(pending) - keep] if keep else pending
            payload["text"] = text
        ordinal = self.next_ordinal()
        if ordinal is not None:
            await self._active.emit(EventType.UPSTREAM_CHUNK, payload, ordinal=ordinal)

    async def flush_output(self) -> None:
        """Emit the held tail of the output stream (before any other event, and at the end
        of the run)."""
        for key, (held, last) in list(self._streams.items()):
            del self._streams[key]
            ordinal = self.next_ordinal() if held else None
            if ordinal is not None:
                await self._active.emit(EventType.UPSTREAM_CHUNK, {**last, "text": held},
                                        ordinal=ordinal)
        if self._held:
            held, self._held = self._held, ""
            ordinal = self.next_ordinal()
            if ordinal is not None:
                await self._active.emit(EventType.OUTPUT_DELTA,
                                        {"runId": self.run_id, "text": held}, ordinal=ordinal)

    async def output(self, text: str) -> None:
        """Stream a piece of output text (the hot path: one event per streamed token)."""
        text = str(text)
        self._output.append(text)
        if self._active.runtime.redactor:
            text = self._carry(text)
        ordinal = self.next_ordinal()
        if ordinal is not None:
            await self._active.emit(EventType.OUTPUT_DELTA, {"runId": self.run_id, "text": text},
                                    ordinal=ordinal)

    async def event(self, name: str, data: dict[str, Any] | None = None) -> None:
        """Emit an application event (``harness.custom``)."""
        await self.emit(Custom(name, dict(data or {})))

    @asynccontextmanager
    async def step(self, name: str) -> AsyncIterator[str]:
        """Bracket a unit of work with ``harness.step.started`` / ``completed``."""
        step_id = self.next_key("step")
        await self.emit(StepStarted(step_id, name))
        yield step_id
        await self.emit(StepCompleted(step_id, name))

    # -- services ---------------------------------------------------------------------------

    async def call_tool(self, name: str, arguments: dict[str, Any] | str | None = None, *,
                        key: str | None = None) -> Any:
        """Call a workspace tool through the runtime (ledger, timeout, events).

        ``key`` identifies the call in the tool-call ledger; give the framework's own call id
        (e.g. a LangChain ``tool_call_id``) when the framework may repeat the call after a
        resume, so the recorded outcome is returned instead of running the tool again.
        Without it, calls are numbered in order (the replay rule of the module docstring).
        Every call passes the tool gateway first (:mod:`stable_harness.gateway`): a repaired
        call runs repaired, a refused one raises ``ToolRefusedError`` with a message for the
        model."""
        return await self._active.tools.call(self, name, arguments, key=key)

    async def request_approval(self, action: dict[str, Any], reason: str, *,
                               requester: str = "agent", key: str | None = None) -> Decision:
        """Ask for a decision and wait for it. The run parks in ``waiting_approval`` without
        holding a task; after the decision the run replays to here and this returns it."""
        key = key or self.next_key("approval")
        stored = self._replay.approvals.get(key)
        if stored is not None and stored.decision is not None:
            self.skip_ordinals(1)
            return stored.decision
        if stored is None:
            stored = Approval(new_id("apr"), self.run_id, self.session_id, key, dict(action),
                              reason, requester, time.time())
        raise SuspendRun(stored)

    async def artifact(self, name: str, content: bytes | str,
                       media_type: str = "application/octet-stream") -> dict[str, Any]:
        """Store a file-like result of the run; returns its description."""
        data = content.encode() if isinstance(content, str) else bytes(content)
        ordinal = self.next_ordinal()
        art = Artifact(new_id("art"), self.run_id, name, media_type, data,
                       hashlib.sha256(data).hexdigest(), time.time())
        if ordinal is not None:
            self._active.writer.pending.artifacts.append(art)
            description = art.to_dict()
            await self._active.emit(EventType.ARTIFACT_RECORDED, description, ordinal=ordinal)
            await self._active.writer.sync()
        return art.to_dict()


def _map(event: BackendEvent) -> tuple[str, dict[str, Any]]:
    if isinstance(event, OutputDelta):
        return EventType.OUTPUT_DELTA, {"text": event.text}
    if isinstance(event, ModelUsage):
        return EventType.MODEL_USAGE, {
            "inputTokens": event.input_tokens, "outputTokens": event.output_tokens,
            "totalTokens": event.input_tokens + event.output_tokens, "model": event.model}
    if isinstance(event, StepStarted):
        return EventType.STEP_STARTED, {"stepId": event.step_id, "name": event.name, **event.data}
    if isinstance(event, StepCompleted):
        return EventType.STEP_COMPLETED, {"stepId": event.step_id, "name": event.name,
                                          **event.data}
    if isinstance(event, StepBlocked):
        return EventType.STEP_BLOCKED, {"stepId": event.step_id, "reason": event.reason,
                                        **event.data}
    if isinstance(event, Custom):
        return EventType.CUSTOM, {"name": event.name, "data": event.data}
    return _map_observed(event)


def _map_observed(event: BackendEvent) -> tuple[str, dict[str, Any]]:
    """Events of work the framework does itself, which the runtime observes."""
    if isinstance(event, ToolStarted):
        return EventType.TOOL_STARTED, {"callId": event.call_id, "tool": event.tool,
                                        "arguments": event.arguments, "source": "upstream"}
    if isinstance(event, ToolFinished):
        if event.error is not None:
            return EventType.TOOL_FAILED, {
                "callId": event.call_id, "tool": event.tool, "source": "upstream",
                "error": {"code": "error", "message": event.error, "types": []}}
        return EventType.TOOL_COMPLETED, {"callId": event.call_id, "tool": event.tool,
                                          "result": event.result, "source": "upstream"}
    if isinstance(event, PlanUpdated):
        return EventType.PLAN_UPDATED, {"items": event.items}
    if isinstance(event, DelegationStarted):
        return EventType.DELEGATION_STARTED, {"callId": event.call_id, "agent": event.agent,
                                              "task": event.task}
    if isinstance(event, DelegationCompleted):
        return EventType.DELEGATION_COMPLETED, {
            "callId": event.call_id, "agent": event.agent, "output": event.output,
            "error": event.error}
    if isinstance(event, FileChanged):
        return EventType.FILE_CHANGED, {"path": event.path, "operation": event.operation,
                                        "callId": event.call_id}
    raise TypeError(f"cannot emit {type(event).__name__} as an event")
