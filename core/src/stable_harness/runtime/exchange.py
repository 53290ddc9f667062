"""Export a run (with its session, events, approvals, artifacts, ledger and attempts) to one JSON
document, and import such a document into another store. Import validates the whole document
first and writes it in one transaction: a malformed file or an existing run id changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stable_harness.errors import ConflictError, InvalidRequestError, NotFoundError
from stable_harness.runs.events import Event, now_iso
from stable_harness.runs.models import (
    Approval,
    Artifact,
    Attempt,
    Decision,
    DecisionKind,
    LedgerEntry,
    LedgerStatus,
    Run,
    Session,
    ToolCallRequest,
)
from stable_harness.runs.states import RunStatus
from stable_harness.store.contract import DuplicateRunError, RunStore, WriteBatch

FORMAT = "stable-harness.run-export"
VERSION = 1


def _ts(value: str | None) -> float | None:
    return None if value is None else datetime.fromisoformat(value).timestamp()


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ToolCall(_Doc):
    name: str
    arguments: dict[str, Any]


class _Run(_Doc):
    runId: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")
    sessionId: str
    agent: str
    status: RunStatus
    input: Any
    output: Any = None
    error: dict[str, Any] | None = None
    metadata: dict[str, Any]
    attempt: int = Field(ge=0)
    toolCall: _ToolCall | None = None
    idempotencyKey: str | None = None
    timeoutSeconds: float | None = None
    createdAt: datetime
    updatedAt: datetime
    startedAt: datetime | None = None
    endedAt: datetime | None = None
    cancelledAt: datetime | None = None
    rolledBack: bool = False
    lastSeq: int = Field(ge=0)
    parentRunId: str | None = None
    memory: dict[str, Any] | None = None
    mode: str | None = None  # derived from toolCall and workflow; read back, not stored
    workflow: str | None = Field(None, pattern=r"^[A-Za-z0-9_.:-]{1,128}$")
    upstream: dict[str, Any] | None = None


class _Session(_Doc):
    sessionId: str
    agent: str
    metadata: dict[str, Any]
    createdAt: datetime
    updatedAt: datetime


class _Event(_Doc):
    id: str
    type: str = Field(pattern=r"^harness\.")
    runId: str
    sessionId: str
    seq: int = Field(ge=1)
    timestamp: str
    parentId: str | None = None
    payload: dict[str, Any]
    ordinal: int | None = None


class _Decision(_Doc):
    decision: DecisionKind
    message: str | None = None
    arguments: dict[str, Any] | None = None
    by: str | None = None
    value: Any = None


class _Approval(_Doc):
    approvalId: str
    runId: str
    sessionId: str
    key: str
    action: dict[str, Any]
    reason: str
    requester: str
    status: Literal["pending", "approve", "edit", "reject", "cancelled"]
    createdAt: datetime
    resolvedAt: datetime | None = None
    decision: _Decision | None = None


class _Artifact(_Doc):
    artifactId: str
    runId: str
    name: str
    mediaType: str
    size: int
    sha256: str
    createdAt: datetime
    content: str


class _Ledger(_Doc):
    runId: str
    callKey: str
    tool: str
    arguments: dict[str, Any]
    idempotent: bool
    status: LedgerStatus
    attempt: int
    result: Any = None
    error: dict[str, Any] | None = None
    startedAt: datetime
    endedAt: datetime | None = None


class _Attempt(_Doc):
    attempt: int = Field(ge=1)
    reason: str
    outcome: str | None = None
    error: dict[str, Any] | None = None
    startedAt: datetime
    endedAt: datetime | None = None


class ExportDocument(_Doc):
    """The export file format (``format`` and ``version`` identify it)."""

    format: Literal["stable-harness.run-export"]
    version: Literal[1]
    exportedAt: str
    run: _Run
    session: _Session
    events: list[_Event]
    approvals: list[_Approval]
    artifacts: list[_Artifact]
    ledger: list[_Ledger]
    attempts: list[_Attempt]


async def export_run(store: RunStore, run_id: str) -> dict[str, Any]:
    """The export document of one run."""
    run = await store.get_run(run_id)
    if run is None:
        raise NotFoundError(f"no run '{run_id}'")
    session = await store.get_session(run.session_id)
    assert session is not None
    events = [{**e.to_dict(), "ordinal": e.ordinal} for e in await store.read_events(run_id)]
    return {
        "format": FORMAT, "version": VERSION, "exportedAt": now_iso(),
        "run": {k: v for k, v in run.to_dict().items() if k not in ("attempts",)},
        "session": session.to_dict(),
        "events": events,
        "approvals": [a.to_dict() | {"key": a.key}
                      for a in await store.list_approvals(run_id=run_id)],
        "artifacts": [a.to_dict(with_content=True) for a in await store.list_artifacts(run_id)],
        "ledger": [e.to_dict() for e in (await store.ledger(run_id)).values()],
        "attempts": [a.to_dict() for a in await store.list_attempts(run_id)],
    }


def parse_export(data: Any) -> ExportDocument:
    """Validate an export document; errors name the field."""
    if not isinstance(data, dict):
        raise InvalidRequestError("an export file must hold a JSON object")
    try:
        doc = ExportDocument.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc'])) or '(document)'}: {e['msg']}"
                    for e in exc.errors()[:10]]
        raise InvalidRequestError("not a valid run export: " + "; ".join(problems)) from None
    _check_consistent(doc)
    return doc


def _check_consistent(doc: ExportDocument) -> None:
    run_id = doc.run.runId
    owners = [("events", e.runId) for e in doc.events] + \
        [("approvals", a.runId) for a in doc.approvals] + \
        [("artifacts", a.runId) for a in doc.artifacts] + [("ledger", e.runId) for e in doc.ledger]
    for where, owner in owners:
        if owner != run_id:
            raise InvalidRequestError(f"not a valid run export: {where} mention run {owner}, "
                                      f"but the document exports {run_id}")
    seqs = [e.seq for e in doc.events]
    if seqs != list(range(1, len(seqs) + 1)) or (seqs and seqs[-1] != doc.run.lastSeq):
        raise InvalidRequestError("not a valid run export: event sequence numbers must run "
                                  "1, 2, 3, ... up to run.lastSeq without gaps")
    if doc.session.sessionId != doc.run.sessionId:
        raise InvalidRequestError("not a valid run export: session does not match the run")


def _decode(artifact: _Artifact) -> bytes:
    try:
        content = base64.b64decode(artifact.content, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequestError(f"artifact {artifact.artifactId}: content is not base64"
                                  ) from None
    if hashlib.sha256(content).hexdigest() != artifact.sha256:
        raise InvalidRequestError(f"artifact {artifact.artifactId}: sha256 does not match")
    return content


def to_batch(doc: ExportDocument) -> WriteBatch:
    """The records of ``doc`` as one write (in-flight runs come in without an owner)."""
    r, s = doc.run, doc.session
    run = Run(
        id=r.runId, session_id=r.sessionId, agent=r.agent, status=r.status, input=r.input,
        created_at=r.createdAt.timestamp(), updated_at=r.updatedAt.timestamp(),
        metadata=r.metadata, idempotency_key=r.idempotencyKey, output=r.output, error=r.error,
        tool_call=None if r.toolCall is None else ToolCallRequest(r.toolCall.name,
                                                                  r.toolCall.arguments),
        timeout_seconds=r.timeoutSeconds, attempt=r.attempt,
        started_at=_opt(r.startedAt), ended_at=_opt(r.endedAt), cancelled_at=_opt(r.cancelledAt),
        rolled_back=r.rolledBack, last_seq=0, parent_run_id=r.parentRunId, memory=r.memory,
        workflow=r.workflow, upstream=r.upstream)
    return WriteBatch(
        sessions=[Session(s.sessionId, s.agent, s.createdAt.timestamp(), s.updatedAt.timestamp(),
                          s.metadata)],
        new_runs=[run],
        events=[Event(e.runId, e.seq, e.type, e.sessionId, e.timestamp, e.payload, e.parentId,
                      e.ordinal) for e in doc.events],
        approvals=[Approval(a.approvalId, a.runId, a.sessionId, a.key, a.action, a.reason,
                            a.requester, a.createdAt.timestamp(), a.status,
                            None if a.decision is None else Decision(
                                a.decision.decision, a.decision.message, a.decision.arguments,
                                a.decision.by, a.decision.value), _opt(a.resolvedAt))
                   for a in doc.approvals],
        artifacts=[Artifact(a.artifactId, a.runId, a.name, a.mediaType, _decode(a), a.sha256,
                            a.createdAt.timestamp()) for a in doc.artifacts],
        ledger=[LedgerEntry(e.runId, e.callKey, e.tool, e.arguments, e.idempotent, e.status,
                            e.attempt, e.startedAt.timestamp(), e.result, e.error,
                            _opt(e.endedAt)) for e in doc.ledger],
        attempts=[Attempt(r.runId, a.attempt, a.startedAt.timestamp(), a.reason,
                          _opt(a.endedAt), a.outcome, a.error) for a in doc.attempts],
    )


def _opt(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


async def import_run(store: RunStore, data: Any) -> Run:
    """Validate and store an export document; return the imported run."""
    doc = parse_export(data)
    if await store.get_run(doc.run.runId) is not None:
        raise ConflictError(f"run {doc.run.runId} already exists in this store")
    try:
        await store.write(to_batch(doc))
    except DuplicateRunError as exc:
        raise ConflictError(f"cannot import run {doc.run.runId}: {exc}") from None
    run = await store.get_run(doc.run.runId)
    assert run is not None
    return run
