"""Admission of requests: which agent, and whether the request is well-formed. A request
refused here has changed nothing in the store."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from stable_harness.errors import InvalidRequestError, NotFoundError
from stable_harness.runs.limits import value_problem
from stable_harness.runs.models import RunRequest
from stable_harness.runtime.tools import ToolNotAvailableError
from stable_harness.store.contract import RunStore
from stable_harness.workspace.diagnostics import did_you_mean

if TYPE_CHECKING:
    from stable_harness.workspace.model import Workspace

SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
MAX_KEY_LENGTH = 255
BUSY_POLICIES = (None, "reject", "enqueue", "interrupt", "rollback")


def resolve_agent(workspace: Workspace, agent: str | None) -> str:
    """The agent a request names; else the Runtime's ``defaultAgent``, else the only one."""
    agents = sorted(workspace.agents)
    agent = agent or workspace.runtime.default_agent
    if agent is None:
        if len(agents) == 1:
            return agents[0]
        raise InvalidRequestError(
            "this workspace has several agents; name one with `agent` (or set Runtime "
            "spec.defaultAgent) "
            f"(available: {', '.join(agents) or 'none'})", field="agentId")
    if agent not in workspace.agents:
        # one list, said once: the close matches when there are some, else every agent
        raise NotFoundError(f"unknown agent '{agent}'; {did_you_mean(agent, agents)}",
                            field="agentId")
    return agent

def check_request_values(request: RunRequest) -> None:
    """Raise :class:`InvalidRequestError` unless every value of ``request`` can be stored
    (:mod:`stable_harness.runs.limits`). Checked first, so no later message echoes a value
    that cannot be encoded."""
    call = request.tool_call
    for name, value in (("input", request.input), ("metadata", request.metadata),
                        ("memory", request.memory), ("upstream", request.upstream),
                        ("toolCall.name", None if call is None else call.name),
                        ("toolCall.arguments", None if call is None else call.arguments),
                        ("idempotencyKey", request.idempotency_key),
                        ("sessionId", request.session_id), ("parentRunId", request.parent_run_id),
                        ("agentId", request.agent)):
        problem = value_problem(value)
        if problem:
            raise InvalidRequestError(f"{name} must be a JSON value that can be stored: "
                                      f"{problem}", field=name)


def validate_request(workspace: Workspace, request: RunRequest, agent: str) -> None:
    """Raise :class:`InvalidRequestError` for a malformed request."""
    call = request.tool_call
    if not isinstance(request.metadata, dict):
        raise InvalidRequestError("metadata must be an object", field="metadata")
    if request.memory is not None and not isinstance(request.memory, dict):
        raise InvalidRequestError("memory must be an object", field="memory")
    if request.upstream is not None and not isinstance(request.upstream, dict):
        raise InvalidRequestError("upstream must be an object", field="upstream")
    if request.busy_session not in BUSY_POLICIES:
        raise InvalidRequestError(
            f"unknown busy-session policy {request.busy_session!r}: use "
            f"{', '.join(p for p in BUSY_POLICIES if p)}", field="busySession")
    if request.session_id is not None and not SESSION_ID_PATTERN.match(request.session_id):
        raise InvalidRequestError(
            f"invalid session id {request.session_id!r}: use 1-128 letters, digits, "
            "'_', '.', ':' or '-', starting with a letter or digit", field="sessionId")
    key = request.idempotency_key
    if key is not None and not (isinstance(key, str) and 0 < len(key) <= MAX_KEY_LENGTH):
        raise InvalidRequestError(f"idempotency key must be 1-{MAX_KEY_LENGTH} characters",
                                  field="idempotencyKey")
    if request.timeout_seconds is not None and not request.timeout_seconds > 0:
        raise InvalidRequestError("timeoutSeconds must be greater than 0", field="timeoutSeconds")
    parent = request.parent_run_id
    if parent is not None and not (isinstance(parent, str) and SESSION_ID_PATTERN.match(parent)):
        raise InvalidRequestError(f"invalid parentRunId {parent!r}", field="parentRunId")
    if request.workflow is not None and not (isinstance(request.workflow, str)
                                             and SESSION_ID_PATTERN.match(request.workflow)):
        raise InvalidRequestError(f"invalid workflow {request.workflow!r}", field="workflow")
    if call is not None and not isinstance(call.arguments, dict | str):
        raise InvalidRequestError("toolCall.arguments must be an object (or a JSON string)",
                                  field="toolCall.arguments")


async def check_parent(store: RunStore, parent_run_id: str) -> None:
    """Raise :class:`NotFoundError` unless the parent run a request names exists."""
    if await store.get_run(parent_run_id) is None:
        raise NotFoundError(f"parent run {parent_run_id!r} does not exist", field="parentRunId")


def check_tool_allowed(workspace: Workspace, agent: str, name: str,
                       allowed: list[str] | None = None) -> None:
    """Raise a model-readable error unless ``agent`` may call tool ``name``: its own tools
    and those of its subagents (which run inside its runs), or ``allowed``."""
    allowed = agent_tools(workspace, agent) if allowed is None else allowed
    if name not in allowed or name not in workspace.tools:
        hint = did_you_mean(name, allowed)
        raise ToolNotAvailableError(name, {
            "code": "unknown_tool", "types": [],
            "message": f"agent '{agent}' has no tool '{name}' (its tools: "
            f"{', '.join(allowed) or 'none'}){'; ' + hint if hint else ''}"})


def request_from(value: Any, fields: dict[str, Any]) -> RunRequest:
    """``RunRequest`` from ``start(input, **fields)`` or ``start(input=..., **fields)``."""
    if "input" in fields:
        if value is not None:
            raise InvalidRequestError("the input is given twice: positionally and as input=",
                                      field="input")
        value = fields.pop("input")
    known = {f.name for f in dataclasses.fields(RunRequest)}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise InvalidRequestError(
            f"unknown request field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})", field=unknown[0])
    return RunRequest(value, **fields)


def resolve_target(workspace: Workspace, request: RunRequest) -> tuple[RunRequest, str]:
    """The request as it will be stored, and the run's agent: the named (or default) agent;
    for ``workflow``, the Workflow document itself (compiled by the backend that dispatches
    it), or, when it names an agent, that agent's own graph (the native API's shorthand)."""
    name = request.workflow
    if name is None:
        return request, resolve_agent(workspace, request.agent)
    if name in workspace.agents and name not in workspace.workflows:
        if request.agent not in (None, name):
            raise InvalidRequestError(f"workflow '{name}' and agentId '{request.agent}' "
                                      "disagree; name the agent once", field="workflow")
        return dataclasses.replace(request, agent=name, workflow=None), name
    if name not in workspace.workflows:
        raise NotFoundError(f"unknown workflow '{name}'; "
                            f"{did_you_mean(name, workspace.workflows)}", field="workflow")
    if request.agent is not None and request.agent != name:
        raise InvalidRequestError(f"workflow '{name}' runs on its own; do not name an agent "
                                  f"('{request.agent}') with it", field="agentId")
    if request.tool_call is not None:
        raise InvalidRequestError("a request dispatches a workflow or calls a tool, not both",
                                  field="toolCall")
    workspace.agent_entry(name)  # refuses a workflow no backend dispatches
    return request, name


def agent_tools(workspace: Workspace, agent: str) -> list[str]:
    """Tools of ``agent`` and, transitively, of its subagents, in declaration order."""
    seen: set[str] = set()
    out: list[str] = []
    pending = [agent]
    while pending:
        name = pending.pop(0)
        entry = workspace.agent_entry(name)
        if name in seen or entry is None:
            continue
        seen.add(name)
        out.extend(t for t in entry.doc.spec.tools if t not in out)
        pending.extend(entry.doc.spec.subagents)
    return out
