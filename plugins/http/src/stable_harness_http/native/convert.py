"""From HTTP bodies to runtime requests, and runtime records to JSON."""

from __future__ import annotations

from stable_harness.errors import InvalidRequestError
from stable_harness.runs import RunRequest, ToolCallRequest

from stable_harness_http.native.schemas import RunRequestIn, WorkflowIn


def to_run_request(body: RunRequestIn, idempotency_key: str | None,
                   *, protocol: str = "http") -> RunRequest:
    """The runtime request a body asks for. ``workflow`` is an explicit dispatch to an agent
    graph; it never routes from the input text."""
    key = idempotency_key or body.requestId
    if idempotency_key and body.requestId and idempotency_key != body.requestId:
        raise InvalidRequestError("requestId and the Idempotency-Key header differ; send one "
                                  "of them (or the same value)", field="requestId")
    workflow = body.workflow.id if isinstance(body.workflow, WorkflowIn) else body.workflow
    call = None if body.toolCall is None else ToolCallRequest(body.toolCall.name,
                                                              body.toolCall.arguments)
    metadata = dict(body.metadata)
    metadata.setdefault("protocol", protocol)
    return RunRequest(body.input, body.agentId, body.sessionId, metadata, key,
                      call, body.timeoutSeconds, parent_run_id=body.parentRunId,
                      memory=body.memory, workflow=workflow)


MAX_CURSOR = 2 ** 63 - 1  # a SQLite INTEGER; a larger cursor cannot name an event


def event_cursor(last_event_id: str | None, after: int | None) -> int:
    """The sequence number to resume after: ``Last-Event-ID`` (``N`` or ``RUN:N``) wins over
    the ``after`` query parameter. Both must be ASCII digits from 0 to 2^63-1."""
    if last_event_id is None:
        return after or 0
    seq = last_event_id.strip().rpartition(":")[2]
    if not (seq.isascii() and seq.isdigit()) or int(seq) > MAX_CURSOR:
        raise InvalidRequestError(f"Last-Event-ID {last_event_id!r} is not an event sequence "
                                  f"number (0 to {MAX_CURSOR})", field="Last-Event-ID")
    return int(seq)
