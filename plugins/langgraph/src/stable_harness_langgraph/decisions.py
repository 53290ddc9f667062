"""LangGraph interrupts as runtime approvals, and decisions as ``Command(resume=...)`` values.

Three interrupt shapes are understood, all upstream:

* ``HumanInTheLoopMiddleware`` in ``batched`` mode (also what DeepAgents' ``interrupt_on``
  raises): one ``HITLRequest`` with ``action_requests``; answered with ``{"decisions": [...]}``,
  one per action. ``approve`` / ``reject`` apply to every action; ``edit`` replaces the
  arguments: with one action, ``arguments`` are its new arguments; with several,
  ``arguments`` is ``{"actions": [args or null, ...]}`` (null keeps the proposed ones).
* ``HumanInTheLoopMiddleware`` in ``per_call`` mode: one ``tool_approval`` request per tool
  call; answered with a single decision.
* any other ``interrupt(value)`` in a user graph: answered with the runtime decision as a
  dict: ``{"decision": "approve"|"edit"|"reject", "message", "arguments", "by"}``.

A decision that carries ``value`` (a LangGraph client's ``Command(resume=...)``) is given to
the graph as it is, whatever the shape.
"""

from __future__ import annotations

from typing import Any

from stable_harness.errors import InvalidRequestError
from stable_harness.runs.models import Decision, DecisionKind


def approval_for(value: Any) -> tuple[dict[str, Any], str]:
    """The approval ``action`` and ``reason`` for an interrupt value."""
    if isinstance(value, dict) and isinstance(value.get("action_requests"), list):
        actions = [{"tool": a.get("name"), "arguments": a.get("args", {}),
                    "description": a.get("description", "")}
                   for a in value["action_requests"]]
        allowed = sorted({d for c in value.get("review_configs", [])
                          for d in c.get("allowed_decisions", [])})
        action: dict[str, Any] = actions[0] if len(actions) == 1 else {"actions": actions}
        return {**action, "allowedDecisions": allowed}, "tool_approval"
    if isinstance(value, dict) and value.get("type") == "tool_approval":
        return {"tool": value.get("name"), "arguments": value.get("args", {}),
                "callId": value.get("tool_call_id"),
                "description": value.get("description", "")}, "tool_approval"
    return {"value": value}, "interrupt"


def resume_value(value: Any, decision: Decision) -> Any:
    """The value to resume the interrupt ``value`` with, for ``decision``."""
    if decision.value is not None:  # the approver answered in LangGraph's own terms
        return decision.value
    if isinstance(value, dict) and isinstance(value.get("action_requests"), list):
        requests = value["action_requests"]
        return {"decisions": [_one(r.get("name"), decision, _edited_args(decision, i,
                                                                         len(requests)))
                              for i, r in enumerate(requests)]}
    if isinstance(value, dict) and value.get("type") == "tool_approval":
        return _one(value.get("name"), decision, decision.arguments)
    return decision.to_dict()


def _edited_args(decision: Decision, index: int, count: int) -> dict[str, Any] | None:
    if decision.kind is not DecisionKind.EDIT or count == 1:
        return decision.arguments
    actions = (decision.arguments or {}).get("actions")
    if not isinstance(actions, list) or len(actions) != count:
        raise InvalidRequestError(
            f"this approval covers {count} tool calls: an edit must give "
            f"arguments {{\"actions\": [...]}} with {count} entries (null keeps one as is)")
    edited = actions[index]
    return edited if isinstance(edited, dict) else None


def _one(tool: Any, decision: Decision, arguments: dict[str, Any] | None) -> dict[str, Any]:
    if decision.kind is DecisionKind.REJECT:
        out: dict[str, Any] = {"type": "reject"}
        if decision.message:
            out["message"] = decision.message
        return out
    if decision.kind is DecisionKind.EDIT and arguments is not None:
        return {"type": "edit", "edited_action": {"name": tool, "args": arguments}}
    return {"type": "approve"}
