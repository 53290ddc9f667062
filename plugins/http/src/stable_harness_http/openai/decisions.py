"""Deciding a pending approval from an OpenAI client: the run's answer presented each
approval as a tool call (``stable_harness_approval``); the client answers it with a ``tool``
message whose ``tool_call_id`` is the approval id and whose content is the decision as JSON."""

from __future__ import annotations

import json
from typing import Any

from stable_harness.errors import InvalidRequestError, NotFoundError
from stable_harness.runs import Approval, Run
from stable_harness.runtime import Runtime

from stable_harness_http.openai.chunks import DECISION_HELP
from stable_harness_http.openai.messages import content_text
from stable_harness_http.openai.schemas import ChatCompletionRequest

DECISIONS = ("approve", "reject", "edit")


async def _approval(runtime: Runtime, call_id: str) -> Approval | None:
    try:
        return await runtime.get_approval(call_id)
    except NotFoundError:
        return None


async def decide(runtime: Runtime, body: ChatCompletionRequest, session: str | None
                 ) -> tuple[Run, int] | None:
    """When the new turn answers pending approvals, record the decisions and return the run
    with the cursor to follow it from; else ``None`` (an ordinary turn)."""
    last = max((i for i, m in enumerate(body.messages) if m.role == "assistant"), default=-1)
    turn = list(enumerate(body.messages))[last + 1:]
    answers = []
    for i, message in turn:
        approval = None if message.role != "tool" or not message.tool_call_id else \
            await _approval(runtime, message.tool_call_id)
        if approval is not None:
            answers.append((i, approval, message))
    if not answers:
        return None
    if len(answers) != len(turn):
        raise InvalidRequestError(
            "a turn that decides approvals carries only the `tool` messages answering them; "
            "send other messages after the run continues", field=f"messages[{last + 1}]")
    runs = {a.run_id for _, a, _ in answers}
    if len(runs) > 1:
        raise InvalidRequestError("these approvals belong to different runs; decide one run's "
                                  "approvals per request", field="messages")
    run = await runtime.get_run(runs.pop())
    if run.agent != body.model:
        raise InvalidRequestError(f"approval {answers[0][1].id} belongs to a run of "
                                  f"'{run.agent}', not of the model '{body.model}'",
                                  field="model")
    if session is not None and run.session_id != session:
        raise InvalidRequestError(f"approval {answers[0][1].id} belongs to another session",
                                  field="messages")
    after = run.last_seq
    for i, approval, message in answers:
        decision = _decision(message.content, i)
        await runtime.resolve_approval(approval.id, decision["decision"],
                                       message=decision.get("message"),
                                       arguments=decision.get("arguments"),
                                       by=decision.get("by") or "openai-compatible client")
    return await runtime.get_run(run.id), after


def _decision(content: Any, index: int) -> dict[str, Any]:
    where = f"messages[{index}].content"
    text = content_text(content, where)
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if not (isinstance(value, dict) and value.get("decision") in DECISIONS):
        raise InvalidRequestError(f"{where}: not an approval decision; {DECISION_HELP}",
                                  field=where)
    for key, kind in (("message", str), ("arguments", dict), ("by", str)):
        if value.get(key) is not None and not isinstance(value[key], kind):
            raise InvalidRequestError(f"{where}: `{key}` must be a {kind.__name__}",
                                      field=where)
    return value
