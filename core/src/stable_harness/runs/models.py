"""What the store holds: requests, runs, sessions, approvals, artifacts, ledger entries."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from stable_harness.runs.states import RunStatus


def new_id(prefix: str) -> str:
    """A unique id that sorts by creation time: ``prefix_`` + 12 hex of ms + 10 random hex."""
    return f"{prefix}_{int(time.time() * 1000):012x}{os.urandom(5).hex()}"


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces, for hashing and storage."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class ToolCallRequest:
    """A request that calls one tool directly instead of running the agent."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)


@dataclass(frozen=True)
class RunRequest:
    """What a client asks for (``harness.run.start``)."""

    input: Any
    agent: str | None = None
    session_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None
    tool_call: ToolCallRequest | None = None
    timeout_seconds: float | None = None
    parent_run_id: str | None = None
    memory: dict[str, Any] | None = None
    workflow: str | None = None
    # what the framework is given as is, for a protocol that speaks its language (the
    # LangGraph API: stream modes, ``configurable``, a command); stored with the run
    upstream: dict[str, Any] | None = None
    # this request's busy-session policy instead of ``runs.busySession`` (not stored)
    busy_session: str | None = None

    def fingerprint(self, agent: str) -> str:
        """Hash of what makes two requests "the same" for idempotency-key reuse."""
        tool = None if self.tool_call is None else [self.tool_call.name, self.tool_call.arguments]
        parts: list[Any] = [agent, self.session_id, self.input, tool, self.metadata]
        if self.parent_run_id is not None or self.memory is not None:
            parts += [self.parent_run_id, self.memory]  # older fingerprints stay valid
        if self.workflow is not None:
            parts.append({"workflow": self.workflow})
        if self.upstream is not None:
            parts.append({"upstream": self.upstream})
        body = canonical_json(parts)
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class Run:
    """A stored run. ``error`` is ``{"code", "message", "type"}`` when it failed."""

    id: str
    session_id: str
    agent: str
    status: RunStatus
    input: Any
    created_at: float
    updated_at: float
    metadata: dict[str, Any] = field(default_factory=dict)
    tool_call: ToolCallRequest | None = None
    idempotency_key: str | None = None
    fingerprint: str | None = None
    timeout_seconds: float | None = None
    output: Any = None
    error: dict[str, Any] | None = None
    attempt: int = 0
    started_at: float | None = None
    ended_at: float | None = None
    cancelled_at: float | None = None
    cancel_requested_at: float | None = None
    owner: str | None = None
    lease_expires_at: float | None = None
    rolled_back: bool = False
    last_seq: int = 0
    parent_run_id: str | None = None
    memory: dict[str, Any] | None = None
    workflow: str | None = None
    upstream: dict[str, Any] | None = None

    @property
    def mode(self) -> str:
        """What drives the run (the contract's ``mode``): ``agent`` (the agent's backend),
        ``tool`` (one tool call through the gateway) or ``workflow`` (a ``Workflow``
        document, compiled by a graph-capable backend)."""
        if self.tool_call is not None:
            return "tool"
        return "workflow" if self.workflow is not None else "agent"

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form (``GET /runs/{id}``)."""
        return {
            "runId": self.id, "sessionId": self.session_id, "agent": self.agent,
            "status": str(self.status), "input": self.input, "output": self.output,
            "error": self.error, "metadata": self.metadata, "attempt": self.attempt,
            "toolCall": None if self.tool_call is None else {
                "name": self.tool_call.name, "arguments": self.tool_call.arguments},
            "idempotencyKey": self.idempotency_key, "timeoutSeconds": self.timeout_seconds,
            "createdAt": iso(self.created_at), "updatedAt": iso(self.updated_at),
            "startedAt": iso(self.started_at), "endedAt": iso(self.ended_at),
            "cancelledAt": iso(self.cancelled_at), "rolledBack": self.rolled_back,
            "lastSeq": self.last_seq, "parentRunId": self.parent_run_id, "memory": self.memory,
            "mode": self.mode, "workflow": self.workflow, "upstream": self.upstream,
        }


@dataclass
class Session:
    """A conversation: the runs that share history."""

    id: str
    agent: str
    created_at: float
    updated_at: float
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form."""
        return {"sessionId": self.id, "agent": self.agent, "metadata": self.metadata,
                "createdAt": iso(self.created_at), "updatedAt": iso(self.updated_at)}


class DecisionKind(StrEnum):
    """What an approver decided."""

    APPROVE = "approve"
    EDIT = "edit"
    REJECT = "reject"


@dataclass(frozen=True)
class Decision:
    """An approver's decision; ``arguments`` replaces the proposed ones for ``edit``.
    ``value`` is an answer in the framework's own terms (a LangGraph ``Command(resume=...)``
    value), given to it as is instead of a translation of the decision."""

    kind: DecisionKind
    message: str | None = None
    arguments: dict[str, Any] | None = None
    by: str | None = None
    value: Any = None

    @property
    def approved(self) -> bool:
        """True for approve and edit."""
        return self.kind is not DecisionKind.REJECT

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form."""
        out = {"decision": str(self.kind), "message": self.message,
               "arguments": self.arguments, "by": self.by}
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass
class Document:
    """A named JSON document a surface keeps in the run store (a LangGraph assistant)."""

    kind: str
    id: str
    body: dict[str, Any]
    created_at: float
    updated_at: float


@dataclass
class Approval:
    """A persisted request for a decision. ``key`` identifies it within its run's replay."""

    id: str
    run_id: str
    session_id: str
    key: str
    action: dict[str, Any]
    reason: str
    requester: str
    created_at: float
    status: str = "pending"  # pending | approve | edit | reject
    decision: Decision | None = None
    resolved_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form."""
        return {"approvalId": self.id, "runId": self.run_id, "sessionId": self.session_id,
                "action": self.action, "reason": self.reason, "requester": self.requester,
                "status": self.status, "createdAt": iso(self.created_at),
                "resolvedAt": iso(self.resolved_at),
                "decision": None if self.decision is None else self.decision.to_dict()}


@dataclass
class Artifact:
    """A file-like result of a run."""

    id: str
    run_id: str
    name: str
    media_type: str
    content: bytes
    sha256: str
    created_at: float

    def to_dict(self, with_content: bool = False) -> dict[str, Any]:
        """The public JSON form; ``content`` (base64) only when asked for."""
        out: dict[str, Any] = {"artifactId": self.id, "runId": self.run_id, "name": self.name,
                               "mediaType": self.media_type, "size": len(self.content),
                               "sha256": self.sha256, "createdAt": iso(self.created_at)}
        if with_content:
            import base64

            out["content"] = base64.b64encode(self.content).decode()
        return out


class LedgerStatus(StrEnum):
    """Where a tool call is: intent recorded, or its outcome."""

    STARTED = "started"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"  # the run was cancelled while the call ran; its outcome is unknown


@dataclass
class LedgerEntry:
    """One tool call: intent before it runs, result after (keyed by run and call key)."""

    run_id: str
    call_key: str
    tool: str
    arguments: dict[str, Any]
    idempotent: bool
    status: LedgerStatus
    attempt: int
    started_at: float
    result: Any = None
    error: dict[str, Any] | None = None
    ended_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form."""
        return {"runId": self.run_id, "callKey": self.call_key, "tool": self.tool,
                "arguments": self.arguments, "idempotent": self.idempotent,
                "status": str(self.status), "attempt": self.attempt, "result": self.result,
                "error": self.error, "startedAt": iso(self.started_at),
                "endedAt": iso(self.ended_at)}


@dataclass
class Attempt:
    """One attempt (activation) of a run and how it ended."""

    run_id: str
    number: int
    started_at: float
    reason: str  # start | retry | resume | recover
    ended_at: float | None = None
    outcome: str | None = None
    error: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form."""
        return {"attempt": self.number, "reason": self.reason, "outcome": self.outcome,
                "error": self.error, "startedAt": iso(self.started_at),
                "endedAt": iso(self.ended_at)}


def iso(ts: float | None) -> str | None:
    """Epoch seconds as ISO 8601 UTC, or None."""
    if ts is None:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).isoformat()
