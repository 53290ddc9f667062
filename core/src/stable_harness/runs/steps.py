"""A run's steps in the contract's ``HarnessStep`` shape, derived from its stored events.

Three things are steps: a backend step (``harness.step.*``), a workspace or framework tool call
(``harness.tool.*``, a refusal included) and an approval (``harness.approval.*``). Nothing is
stored twice: the events are the record, this is a view of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from stable_harness.runs.events import Event, EventType

#: The contract's action classes (``HarnessActionClass``); a tool declares one with a tag.
ACTION_CLASSES = frozenset({
    "read", "navigate", "login", "secret-input", "form-submit", "upload", "download",
    "payment", "destructive", "code-exec-read", "code-exec-mutate",
})


def action_class(tags: Iterable[str]) -> str:
    """The first of ``tags`` that is a contract action class; else ``read`` for a tool tagged
    ``read-only`` (the gateway's own tag); else ``unknown``."""
    tags = list(tags)
    found = next((t for t in tags if t in ACTION_CLASSES), None)
    return found or ("read" if "read-only" in tags else "unknown")


def harness_steps(run_id: str, mode: str, events: Iterable[Event],
                  tool_class: Callable[[str], str]) -> list[dict[str, Any]]:
    """The run's steps in the order they began. ``tool_class`` gives a tool's action class."""
    steps: dict[str, dict[str, Any]] = {}

    def step(step_id: str, key: str, cls: str, at: str) -> dict[str, Any]:
        if step_id not in steps:
            steps[step_id] = {
                "stepId": step_id, "stepKey": key, "runId": run_id, "mode": mode,
                "actionClass": cls, "verdict": "autonomous", "requiresApproval": False,
                "status": "running", "summary": None, "startedAt": at, "completedAt": None,
                "metadata": {}}
        return steps[step_id]

    for e in events:
        p = e.payload
        if e.type == EventType.STEP_STARTED:
            step(p["stepId"], p.get("stepKey") or p.get("name", ""), "unknown", e.timestamp)
        elif e.type == EventType.STEP_COMPLETED and p.get("stepId") in steps:
            s = steps[p["stepId"]]
            s.update(status="completed", completedAt=e.timestamp)
            if p.get("summary") is not None:
                s["summary"] = p["summary"]
        elif e.type == EventType.STEP_BLOCKED:
            s = step(p["stepId"], p.get("stepKey") or p.get("reason", ""), "unknown",
                     e.timestamp)
            s.update(status="blocked", verdict="blocked", completedAt=e.timestamp,
                     summary=p.get("reason"))
        elif e.type == EventType.TOOL_STARTED:
            s = step(p["callId"], p.get("tool", ""), tool_class(p.get("tool", "")), e.timestamp)
            s["status"] = "running"
            s["metadata"] = {"tool": p.get("tool"), **({"source": p["source"]}
                                                        if "source" in p else {})}
        elif e.type in (EventType.TOOL_COMPLETED, EventType.TOOL_FAILED) \
                and p.get("callId") in steps:
            failed = e.type == EventType.TOOL_FAILED
            steps[p["callId"]].update(status="failed" if failed else "completed",
                                      completedAt=e.timestamp)
        elif e.type == EventType.APPROVAL_REQUESTED:
            s = step(p["approvalId"], "approval", "unknown", e.timestamp)
            s.update(status="pending", verdict="assist", requiresApproval=True,
                     summary=p.get("reason"), metadata={"action": p.get("action")})
        elif e.type == EventType.APPROVAL_RESOLVED and p.get("approvalId") in steps:
            rejected = p.get("decision") == "reject"
            steps[p["approvalId"]].update(status="blocked" if rejected else "completed",
                                          completedAt=e.timestamp)
    return list(steps.values())
