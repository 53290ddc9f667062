"""OpenAI response objects: completions, chunks, usage, and progress as chunk-shaped events."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from stable_harness.runs import Event, EventType


@dataclass
class Usage:
    """Token counts summed from ``harness.model.usage`` events (zero when the agent's models
    reported none, e.g. a ``python`` agent)."""

    prompt: int = 0
    completion: int = 0

    def add(self, event: Event) -> None:
        self.prompt += int(event.payload.get("inputTokens") or 0)
        self.completion += int(event.payload.get("outputTokens") or 0)

    def to_dict(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt, "completion_tokens": self.completion,
                "total_tokens": self.prompt + self.completion}


@dataclass
class Completion:
    """What one run answered, gathered from its events."""

    id: str
    model: str
    created: int
    text: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)

    def chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any
              ) -> dict[str, Any]:
        """A ``chat.completion.chunk`` with one choice."""
        return {"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                "model": self.model, "choices": [{"index": 0, "delta": delta,
                                                  "finish_reason": finish}], **extra}

    def usage_chunk(self) -> dict[str, Any]:
        """The last chunk when ``stream_options.include_usage``: no choices, the usage."""
        return {"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                "model": self.model, "choices": [], "usage": self.usage.to_dict()}

    def message(self, extension: dict[str, Any],
                approvals: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The ``chat.completion`` object; a run waiting for ``approvals`` answers them as
        tool calls with ``finish_reason: "tool_calls"`` (see :func:`approval_call`)."""
        message: dict[str, Any] = {"role": "assistant", "content": "".join(self.text),
                                   "refusal": None}
        if approvals:
            message["content"] = (message["content"] + "\n\n" if message["content"] else "") \
                + approval_notice(approvals)
            message["tool_calls"] = approvals
        return {"id": self.id, "object": "chat.completion", "created": self.created,
                "model": self.model,
                "choices": [{"index": 0, "finish_reason": "tool_calls" if approvals else "stop",
                             "logprobs": None, "message": message}],
                "usage": self.usage.to_dict(), "stable_harness": extension}


#: The tool-call name a pending approval is presented under.
APPROVAL_TOOL = "stable_harness_approval"
DECISION_HELP = ('answer with a `tool` message whose `tool_call_id` is the approval id and '
                 'whose content is {"decision": "approve" | "reject" | "edit", "message"?: '
                 'text, "arguments"?: object (for edit)}')


def approval_call(approval: Any) -> dict[str, Any]:
    """A pending approval as an OpenAI tool call: the client decides by answering it."""
    return {"id": approval.id, "type": "function", "function": {
        "name": APPROVAL_TOOL, "arguments": json.dumps({
            "approvalId": approval.id, "runId": approval.run_id, "reason": approval.reason,
            "action": approval.action, "decisions": ["approve", "reject", "edit"]},
            default=str)}}


def approval_notice(calls: list[dict[str, Any]]) -> str:
    """The text that says the run waits, and how to decide."""
    lines = []
    for call in calls:
        args = json.loads(call["function"]["arguments"])
        lines.append(f"Waiting for approval {args['approvalId']} ({args['reason']}): "
                     f"{json.dumps(args['action'], default=str)}")
    return "\n".join(lines) + f"\nTo decide, {DECISION_HELP}; or POST " \
        "/approvals/{id} on the native API."


TOOL_EVENTS = {EventType.TOOL_STARTED: "started", EventType.TOOL_COMPLETED: "completed",
               EventType.TOOL_FAILED: "failed", EventType.TOOL_REPAIRED: "repaired",
               EventType.STEP_BLOCKED: "refused"}


def tool_progress(event: Event) -> dict[str, Any] | None:
    """``stable_harness.tool.progress`` data for a tool lifecycle event."""
    phase = TOOL_EVENTS.get(event.type)  # type: ignore[call-overload]
    if phase is None or (phase == "refused" and "tool" not in event.payload):
        return None
    p = event.payload
    return {"phase": phase, "tool": p.get("tool"), "callId": p.get("callId"),
            "runId": event.run_id, "seq": event.seq,
            **({"error": p["error"]} if p.get("error") else {})}


def narration(event: Event) -> str | None:
    """A sentence about the run's progress, for ``stable_harness.progress.narration``."""
    p = event.payload
    if event.type == EventType.STEP_STARTED:
        return f"Working on {p.get('name') or 'a step'}."
    if event.type == EventType.TOOL_STARTED:
        return f"Calling {p.get('tool')}."
    if event.type == EventType.PLAN_UPDATED:
        items = p.get("items") or []
        return f"Plan updated ({len(items)} item{'s' if len(items) != 1 else ''})."
    if event.type == EventType.DELEGATION_STARTED:
        return f"Handing work to {p.get('agent')}."
    if event.type == EventType.APPROVAL_REQUESTED:
        return "Waiting for a human decision."
    return None


def output_text(value: Any) -> str:
    """A run's output as message text."""
    if value is None or isinstance(value, str):
        return value or ""
    return json.dumps(value, ensure_ascii=False)
