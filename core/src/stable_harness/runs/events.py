"""The ``harness.*`` event catalogue and the event envelope.

Names and payload fields of ``harness.run.started|completed|failed`` and ``harness.step.*``
follow the ``harness.execution`` contract (:mod:`stable_harness.runs.contract`); the rest of the
catalogue extends the same namespace.
``docs/events.md`` is checked against :data:`CATALOGUE` by the test suite.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    """Every event type the runtime writes."""

    RUN_QUEUED = "harness.run.queued"
    RUN_STARTED = "harness.run.started"
    RUN_RETRYING = "harness.run.retrying"
    RUN_WAITING_APPROVAL = "harness.run.waiting_approval"
    RUN_RESUMED = "harness.run.resumed"
    RUN_COMPLETED = "harness.run.completed"
    RUN_FAILED = "harness.run.failed"
    RUN_CANCELLED = "harness.run.cancelled"
    RUN_ROLLED_BACK = "harness.run.rolled_back"
    STEP_STARTED = "harness.step.started"
    STEP_COMPLETED = "harness.step.completed"
    STEP_BLOCKED = "harness.step.blocked"
    OUTPUT_DELTA = "harness.output.delta"
    MODEL_USAGE = "harness.model.usage"
    TOOL_STARTED = "harness.tool.started"
    TOOL_COMPLETED = "harness.tool.completed"
    TOOL_FAILED = "harness.tool.failed"
    TOOL_REPAIRED = "harness.tool.repaired"
    TOOL_PROGRESS = "harness.tool.progress"
    APPROVAL_REQUESTED = "harness.approval.requested"
    APPROVAL_RESOLVED = "harness.approval.resolved"
    ARTIFACT_RECORDED = "harness.artifact.recorded"
    MEMORY_READ = "harness.memory.read"
    MEMORY_SEARCHED = "harness.memory.searched"
    MEMORY_WRITTEN = "harness.memory.written"
    MEMORY_DELETED = "harness.memory.deleted"
    MEMORY_RECALLED = "harness.memory.recalled"
    PLAN_UPDATED = "harness.plan.updated"
    DELEGATION_STARTED = "harness.delegation.started"
    DELEGATION_COMPLETED = "harness.delegation.completed"
    FILE_CHANGED = "harness.file.changed"
    CUSTOM = "harness.custom"
    UPSTREAM_CHUNK = "harness.upstream.chunk"
    SINK_FAILED = "harness.sink.failed"


# type -> (when it is written, payload fields). Rendered into docs/events.md.
CATALOGUE: dict[EventType, tuple[str, tuple[str, ...]]] = {
    EventType.RUN_QUEUED: ("A request was accepted and stored; the run waits to start.",
                           ("runId", "sessionId", "agent", "input", "metadata")),
    EventType.RUN_STARTED: ("An attempt of the run started executing.",
                            ("runId", "sessionId", "agent", "attempt", "mode", "startedAt")),
    EventType.RUN_RETRYING: ("An attempt failed with a transient error; another follows.",
                             ("runId", "attempt", "delaySeconds", "error")),
    EventType.RUN_WAITING_APPROVAL: ("The run paused for a decision; no task is held.",
                                     ("runId", "approvalId")),
    EventType.RUN_RESUMED: ("The run continues after a decision or a crash.",
                            ("runId", "attempt", "reason")),
    EventType.RUN_COMPLETED: ("The run finished; `output` is its result.",
                              ("runId", "sessionId", "output", "attempt", "status", "completedAt",
                               "evidenceCount")),
    EventType.RUN_FAILED: ("The run failed; `error.code` is `timeout`, `interrupted`, "
                           "`error` or `not_retryable`.",
                           ("runId", "sessionId", "error", "attempt", "failedAt", "reason")),
    EventType.RUN_CANCELLED: ("The run was cancelled; it stays cancelled.",
                              ("runId", "sessionId", "status", "cancelledAt", "reason")),
    EventType.RUN_ROLLED_BACK: ("A cancelled run was dropped from its session's history.",
                                ("runId", "sessionId")),
    EventType.STEP_STARTED: ("A backend step (node, tool, model call) started.",
                             ("runId", "stepId", "name", "stepKey", "mode", "startedAt")),
    EventType.STEP_COMPLETED: ("A backend step finished.",
                               ("runId", "stepId", "name", "completedAt")),
    EventType.STEP_BLOCKED: ("A step cannot proceed: the tool gateway refused a call (the "
                             "run goes on; the agent gets a typed error; `diagnostics` say "
                             "why) or the run ends `blocked`.",
                             ("runId", "stepId", "reason", "blockedAt")),
    EventType.OUTPUT_DELTA: ("A piece of the run's output text.", ("runId", "text")),
    EventType.MODEL_USAGE: ("Tokens one model call used, as its provider reported them "
                            "(summed into `usage` by the OpenAI-compatible API).",
                            ("runId", "inputTokens", "outputTokens", "totalTokens", "model")),
    EventType.TOOL_STARTED: ("A tool call was recorded in the ledger and is executing; "
                             "`source: upstream` marks a tool of the framework itself "
                             "(observed, not in the ledger), `source: mcp` with `server` a "
                             "tool of an MCP server (as on its completed and failed events).",
                             ("runId", "callId", "tool", "arguments")),
    EventType.TOOL_COMPLETED: ("A tool call returned.", ("runId", "callId", "tool", "result")),
    EventType.TOOL_FAILED: ("A tool call raised or timed out.",
                            ("runId", "callId", "tool", "error")),
    EventType.TOOL_REPAIRED: ("The tool gateway repaired a call before it ran (name, syntax, "
                              "types); each repair has its stage, code, path, before, after.",
                              ("runId", "callId", "tool", "arguments", "repairs")),
    EventType.TOOL_PROGRESS: ("A running tool reported how far it got (MCP progress "
                              "notifications; `total` when known).",
                              ("runId", "callId", "tool", "progress", "total", "message")),
    EventType.APPROVAL_REQUESTED: ("The run asks for a decision.",
                                   ("runId", "approvalId", "action", "reason", "requester")),
    EventType.APPROVAL_RESOLVED: ("A decision was recorded.",
                                  ("runId", "approvalId", "decision", "message", "arguments")),
    EventType.ARTIFACT_RECORDED: ("The run stored a file-like result.",
                                  ("runId", "artifactId", "name", "mediaType", "size", "sha256")),
    EventType.MEMORY_READ: ("The run read a memory item (never its value).",
                            ("runId", "memory", "namespace", "key", "found")),
    EventType.MEMORY_SEARCHED: ("The run searched memory at or below a namespace.",
                                ("runId", "memory", "namespace", "count")),
    EventType.MEMORY_WRITTEN: ("The run stored a memory item (after its policy allowed it; "
                               "secrets redacted, never the value in the event).",
                               ("runId", "memory", "namespace", "key", "bytes")),
    EventType.MEMORY_DELETED: ("The run deleted a memory item.",
                               ("runId", "memory", "namespace", "key")),
    EventType.MEMORY_RECALLED: ("Before the run, items recalled from its memory policy's "
                                "namespaces.",
                                ("runId", "memory", "namespaces", "count", "keys")),
    EventType.PLAN_UPDATED: ("The agent wrote or revised its plan (DeepAgents `write_todos`).",
                             ("runId", "items")),
    EventType.DELEGATION_STARTED: ("Work was handed to a subagent (DeepAgents `task`).",
                                   ("runId", "callId", "agent", "task")),
    EventType.DELEGATION_COMPLETED: ("A subagent returned its result (or failed).",
                                     ("runId", "callId", "agent", "output", "error")),
    EventType.FILE_CHANGED: ("The agent wrote or edited a file of its file system.",
                             ("runId", "path", "operation", "callId")),
    EventType.CUSTOM: ("An event the agent emitted itself.", ("runId", "name", "data")),
    EventType.UPSTREAM_CHUNK: (
        "A piece of the framework's own stream (a LangGraph stream mode), written only for "
        "runs whose request asked for one.", ("runId", "mode", "namespace", "data")),
    EventType.SINK_FAILED: ("An event sink raised; the run is unaffected.",
                            ("runId", "sink", "error")),
}


_second: tuple[int, str] = (0, "")  # the last whole second formatted, and its text


def now_iso() -> str:
    """The current UTC time, ISO 8601 with microseconds (always six digits).

    Every event is stamped, so the date part is formatted once per second: a streamed token
    costs a clock read and one small format instead of building a ``datetime``. The cache is
    one tuple, replaced whole, so threads stamping at once never mix two seconds."""
    global _second
    second, micros = divmod(time.time_ns() // 1000, 1_000_000)
    cached = _second
    if cached[0] != second:
        cached = _second = (second, datetime.fromtimestamp(second, UTC).strftime(
            "%Y-%m-%dT%H:%M:%S"))
    return f"{cached[1]}.{micros:06d}+00:00"


@dataclass(frozen=True, slots=True)
class Event:
    """The envelope every event has. ``seq`` is monotonic per run and is the stream cursor."""

    run_id: str
    seq: int
    type: str
    session_id: str
    timestamp: str
    payload: dict[str, Any] = field(default_factory=dict)
    parent_id: str | None = None
    ordinal: int | None = None  # position in the backend's replay order; not part of the API

    @property
    def id(self) -> str:
        """Stable, unique id: the run id and the sequence number."""
        return f"{self.run_id}:{self.seq}"

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form of the envelope."""
        return {
            "id": self.id, "type": self.type, "runId": self.run_id, "sessionId": self.session_id,
            "seq": self.seq, "timestamp": self.timestamp, "parentId": self.parent_id,
            "payload": self.payload,
        }


def catalogue_markdown() -> str:
    """The catalogue as the Markdown table in ``docs/events.md``."""
    lines = ["| type | when | payload fields |", "|---|---|---|"]
    for type_, (when, fields) in CATALOGUE.items():
        lines.append(f"| `{type_}` | {when} | {', '.join(f'`{f}`' for f in fields)} |")
    return "\n".join(lines) + "\n"
