"""A LangGraph client's ``Command(resume=...)`` as a runtime decision.

The value itself goes to the graph untouched (``Decision.value``); the decision recorded
beside it is what the value says, read the way LangChain's ``HumanInTheLoopMiddleware``
reads it: ``{"decisions": [{"type": "approve" | "edit" | "reject", ...}]}`` (or one such
decision), or the runtime's own ``{"decision": ...}``. Any other value (an answer to a
graph's ``interrupt(question)``) approves, carrying the answer.
"""

from __future__ import annotations

from typing import Any

from stable_harness.errors import InvalidRequestError
from stable_harness.runs.models import DecisionKind


def decision_for(value: Any) -> tuple[DecisionKind, str | None, dict[str, Any] | None]:
    """``(kind, message, arguments)`` for resuming an approval with ``value``."""
    if isinstance(value, dict) and isinstance(value.get("decisions"), list):
        return _combined(value["decisions"])
    if isinstance(value, dict) and value.get("type") in ("approve", "edit", "reject"):
        return _combined([value])
    if isinstance(value, dict) and value.get("decision") in ("approve", "edit", "reject"):
        kind = DecisionKind(value["decision"])
        arguments = value.get("arguments") if kind is DecisionKind.EDIT else None
        if kind is DecisionKind.EDIT and not isinstance(arguments, dict):
            raise InvalidRequestError("an edit decision needs `arguments` (an object)",
                                      field="command.resume")
        return kind, value.get("message"), arguments
    return DecisionKind.APPROVE, None, None


def _combined(decisions: list[Any]) -> tuple[DecisionKind, str | None,
                                             dict[str, Any] | None]:
    if not decisions or not all(isinstance(d, dict) for d in decisions):
        raise InvalidRequestError("command.resume.decisions must be a non-empty list of "
                                  "objects", field="command.resume")
    types = [d.get("type") for d in decisions]
    unknown = [t for t in types if t not in ("approve", "edit", "reject")]
    if unknown:
        raise InvalidRequestError(f"unknown decision type {unknown[0]!r}: use approve, edit "
                                  "or reject", field="command.resume")
    if "reject" in types:
        message = next((d.get("message") for d in decisions if d.get("type") == "reject"),
                       None)
        return DecisionKind.REJECT, message if isinstance(message, str) else None, None
    if "edit" not in types:
        return DecisionKind.APPROVE, None, None
    edited = []
    for d in decisions:
        action = d.get("edited_action") if d.get("type") == "edit" else None
        args = action.get("args") if isinstance(action, dict) else None
        if d.get("type") == "edit" and not isinstance(args, dict):
            raise InvalidRequestError("an edit decision needs edited_action.args (an object)",
                                      field="command.resume")
        edited.append(args)
    arguments = edited[0] if len(edited) == 1 else {"actions": edited}
    return DecisionKind.EDIT, None, arguments
