"""Our records in the LangGraph API's shapes: runs, threads, assistants, errors."""

from __future__ import annotations

import uuid
from typing import Any

from stable_harness.runs.models import Run, Session, iso
from stable_harness.runs.states import RunStatus

# langgraph-api names an agent's default assistant uuid5(this namespace, graph_id); the same
# ids here mean a client that stored one keeps working
ASSISTANT_NAMESPACE = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
RUN_STATUS = {RunStatus.QUEUED: "pending", RunStatus.RUNNING: "running",
              RunStatus.WAITING_APPROVAL: "interrupted", RunStatus.COMPLETED: "success",
              RunStatus.FAILED: "error", RunStatus.CANCELLED: "interrupted",
              RunStatus.BLOCKED: "error"}
# LangGraph run statuses → ours, for `GET /threads/{id}/runs?status=`
STATUS_FILTER = {"pending": {RunStatus.QUEUED}, "running": {RunStatus.RUNNING},
                 "interrupted": {RunStatus.WAITING_APPROVAL, RunStatus.CANCELLED},
                 "success": {RunStatus.COMPLETED}, "error": {RunStatus.FAILED,
                                                             RunStatus.BLOCKED},
                 "timeout": {RunStatus.FAILED}}


def default_assistant_id(graph_id: str) -> str:
    """The id of an agent's default assistant."""
    return str(uuid.uuid5(ASSISTANT_NAMESPACE, graph_id))


def lg_error(status: int, code: str, message: str, field: str | None = None
             ) -> dict[str, Any]:
    """An error body: ``detail`` as the LangGraph server sends it, and ours."""
    return {"detail": message, "error": {"code": code, "message": message, "field": field}}


def run_status(run: Run) -> str:
    """A run's LangGraph status (a timed-out failure is ``timeout``)."""
    if run.status is RunStatus.FAILED and (run.error or {}).get("code") == "timeout":
        return "timeout"
    return RUN_STATUS[run.status]


def run_json(run: Run) -> dict[str, Any]:
    """``Run`` of the LangGraph API."""
    up = run.upstream or {}
    return {"run_id": run.id, "thread_id": run.session_id,
            "assistant_id": up.get("assistantId") or default_assistant_id(run.agent),
            "created_at": iso(run.created_at), "updated_at": iso(run.updated_at),
            "status": run_status(run), "metadata": run.metadata,
            "multitask_strategy": up.get("multitaskStrategy", "reject"),
            "kwargs": {"input": run.input, "command": up.get("command"),
                       "stream_mode": up.get("streamMode"),
                       "config": {"configurable": up.get("configurable") or {}}},
            "cancel_reason": None if run.status is not RunStatus.CANCELLED else "interrupt"}


def thread_status(runs: list[Run]) -> str:
    """``idle | busy | interrupted | error`` from a thread's runs (oldest first)."""
    live = [r for r in runs if not r.rolled_back]
    if any(r.status in (RunStatus.QUEUED, RunStatus.RUNNING) for r in live):
        return "busy"
    if not live:
        return "idle"
    last = live[-1]
    if last.status is RunStatus.WAITING_APPROVAL:
        return "interrupted"
    if last.status in (RunStatus.FAILED, RunStatus.BLOCKED):
        return "error"
    return "idle"


def thread_json(session: Session, status: str, values: Any = None,
                interrupts: dict[str, list[Any]] | None = None) -> dict[str, Any]:
    """``Thread`` of the LangGraph API."""
    return {"thread_id": session.id, "created_at": iso(session.created_at),
            "updated_at": iso(session.updated_at), "metadata": session.metadata,
            "status": status, "values": values if values is not None else {},
            "interrupts": interrupts or {}}
