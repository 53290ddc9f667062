"""Recording an approver's decision: checks, then one conditional store update."""

from __future__ import annotations

import time
from typing import Any

from stable_harness.errors import ConflictError, InvalidRequestError, NotFoundError
from stable_harness.runs.events import Event, EventType
from stable_harness.runs.models import Approval, Decision, DecisionKind
from stable_harness.runs.states import RunStatus
from stable_harness.store.contract import PendingEvent, RunStore


def decision_kind(decision: DecisionKind | str) -> DecisionKind:
    """``approve`` / ``edit`` / ``reject``, or a clear error."""
    try:
        return DecisionKind(decision)
    except ValueError:
        raise InvalidRequestError(
            f"unknown decision {decision!r}: use approve, edit or reject") from None


async def record_decision(store: RunStore, approval_id: str, decision: DecisionKind | str, *,
                          message: str | None, arguments: dict[str, Any] | None,
                          by: str | None, value: Any = None
                          ) -> tuple[Approval, Decision, list[Event]]:
    """Store the decision and its ``harness.approval.resolved`` event if the approval is still
    pending and its run still waits; nothing changes otherwise."""
    kind = decision_kind(decision)
    if kind is DecisionKind.EDIT and not isinstance(arguments, dict):
        raise InvalidRequestError("an `edit` decision needs `arguments` (a JSON object)")
    if kind is not DecisionKind.EDIT and arguments is not None:
        raise InvalidRequestError("`arguments` are only accepted with an `edit` decision")
    approval = await store.get_approval(approval_id)
    if approval is None:
        raise NotFoundError(f"no approval '{approval_id}'")
    if approval.status != "pending":
        done = {"approve": "approved", "edit": "approved with edits", "reject": "rejected"}
        raise ConflictError(f"approval {approval_id} is already "
                            f"{done.get(approval.status, approval.status)}; "
                            "a decision cannot be changed")
    now = time.time()
    made = Decision(kind, message, arguments, by, value)
    resolved = Approval(approval.id, approval.run_id, approval.session_id, approval.key,
                        approval.action, approval.reason, approval.requester,
                        approval.created_at, str(kind), made, now)
    result = await store.update_unowned(
        approval.run_id, {RunStatus.WAITING_APPROVAL}, {"updated_at": now},
        [PendingEvent(EventType.APPROVAL_RESOLVED, {
            "runId": approval.run_id, "approvalId": approval.id, **made.to_dict()})],
        approval=resolved, expect_approval_pending=True)
    if result is None:
        run = await store.get_run(approval.run_id)
        status = run.status if run is not None else "gone"
        raise ConflictError(f"approval {approval_id} can no longer be decided "
                            f"(run {approval.run_id} is {status})")
    return resolved, made, result[1]
