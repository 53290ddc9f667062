"""Bodies and responses of the native runtime API, as published in its OpenAPI document.
Field names are the public JSON names of the run contract."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToolCallIn(_Body):
    """Call one tool directly instead of running the agent (checked by the tool gateway)."""

    name: str = Field(min_length=1, max_length=128)
    arguments: dict[str, Any] | str = Field(default_factory=dict)


class WorkflowIn(_Body):
    """An explicit workflow dispatch: the workflow (agent graph) to run."""

    id: str = Field(min_length=1, max_length=128)


class RunRequestIn(_Body):
    """``POST /requests`` and ``harness.run.start``: the runtime request."""

    input: Any = Field(description="The run's input: text or any JSON value.")
    agentId: str | None = Field(None, min_length=1, max_length=128,
                                description="Agent to run (default: the Runtime's).")
    requestId: str | None = Field(
        None, min_length=1, max_length=255,
        description="Client-chosen id that makes the request repeat-safe (an idempotency "
                    "key; the `Idempotency-Key` header does the same).")
    sessionId: str | None = Field(None, pattern=ID, description="Continue this session.")
    parentRunId: str | None = Field(None, pattern=ID, description="The run that asked for "
                                                                  "this one.")
    metadata: dict[str, Any] = Field(default_factory=dict)
    memory: dict[str, Any] | None = Field(None, description="Memory scope, recorded with "
                                                            "the run.")
    toolCall: ToolCallIn | None = None
    workflow: str | WorkflowIn | None = Field(
        None, description="Workflow to dispatch: an agent id (alone or as `{id}`).")
    timeoutSeconds: float | None = Field(None, gt=0, le=86_400)


class RunOut(BaseModel):
    """A run (``harness.run.get``)."""

    runId: str
    sessionId: str
    agent: str
    status: str
    input: Any = None
    output: Any = None
    error: dict[str, Any] | None = None
    metadata: dict[str, Any]
    attempt: int
    toolCall: dict[str, Any] | None = None
    idempotencyKey: str | None = None
    timeoutSeconds: float | None = None
    createdAt: str | None = None
    updatedAt: str | None = None
    startedAt: str | None = None
    endedAt: str | None = None
    cancelledAt: str | None = None
    rolledBack: bool
    lastSeq: int
    parentRunId: str | None = None
    memory: dict[str, Any] | None = None
    mode: Literal["agent", "tool", "workflow"] = "agent"
    workflow: str | None = None
    upstream: dict[str, Any] | None = Field(
        None, description="What the framework was given as is (a LangGraph API run's stream "
                          "modes, configurable, command).")


class HarnessStepOut(BaseModel):
    """A step of a run (the contract's ``HarnessStep``)."""

    stepId: str
    stepKey: str
    runId: str
    mode: str
    actionClass: str
    verdict: Literal["autonomous", "assist", "blocked"]
    requiresApproval: bool
    status: Literal["pending", "running", "completed", "blocked", "failed"]
    summary: str | None = None
    startedAt: str | None = None
    completedAt: str | None = None
    metadata: dict[str, Any] | None = None


class HarnessRunOut(RunOut):
    """A run as the contract's ``HarnessRun``: the run with its target, steps and evidence."""

    target: dict[str, Any]
    steps: list[HarnessStepOut]
    evidenceCount: int


class HarnessRunResult(BaseModel):
    """``harness.run.start`` and ``harness.run.get`` output: ``{run}``."""

    run: HarnessRunOut


class RunList(BaseModel):
    """Runs, newest first (a session's oldest first)."""

    requests: list[RunOut]


class RequestDetail(RunOut):
    """One request: its run, its approvals and its event count."""

    approvals: list[dict[str, Any]]


class CancelIn(_Body):
    """``harness.run.cancel``."""

    runId: str = Field(pattern=ID)
    reason: str | None = Field(None, max_length=2000)


class CancelBody(_Body):
    """``POST /runs/{id}/cancel``."""

    reason: str | None = Field(None, max_length=2000)


class CancelOut(BaseModel):
    """``harness.run.cancel`` output."""

    runId: str
    status: str
    cancelledAt: str | None = None


class GetIn(_Body):
    """``harness.run.get``."""

    runId: str = Field(pattern=ID)


class DecisionIn(_Body):
    """``POST /approvals/{id}``: approve, edit (new ``arguments``) or reject."""

    decision: Literal["approve", "edit", "reject"]
    message: str | None = Field(None, max_length=10_000)
    arguments: dict[str, Any] | None = None
    by: str | None = Field(None, max_length=200)


class ApprovalOut(BaseModel):
    """An approval."""

    approvalId: str
    runId: str
    sessionId: str
    action: dict[str, Any]
    reason: str
    requester: str
    status: str
    createdAt: str | None = None
    resolvedAt: str | None = None
    decision: dict[str, Any] | None = None


class ApprovalList(BaseModel):
    """Approvals, oldest first."""

    approvals: list[ApprovalOut]


class SessionOut(BaseModel):
    """A session."""

    sessionId: str
    agent: str
    metadata: dict[str, Any]
    createdAt: str | None = None
    updatedAt: str | None = None


class SessionList(BaseModel):
    """Sessions, most recently active first."""

    sessions: list[SessionOut]


class WorkflowOut(BaseModel):
    """A workflow: an agent's graph as its backend builds it (``kind: agent``), or a
    ``Workflow`` document of the inventory (``kind: workflow``)."""

    workflowId: str
    kind: Literal["agent", "workflow"] = "agent"
    description: str | None = None
    backend: str | None = None
    model: str | None = None
    tools: list[str] = Field(default_factory=list)
    subagents: list[str] = Field(default_factory=list)
    capabilities: dict[str, str] = Field(default_factory=dict)
    entry: str | None = None
    nodes: list[dict[str, str]] | None = None
    edges: list[dict[str, str]] | None = None
    dispatchedBy: list[str] | None = Field(
        None, description="Backends able to run this Workflow document (empty: listed, drawn "
                          "and planned only).")


class WorkflowList(BaseModel):
    """Workflows: one per agent, then the Workflow documents."""

    workflows: list[WorkflowOut]


class MermaidOut(BaseModel):
    """A workflow's graph as Mermaid, drawn by its backend."""

    workflowId: str
    mermaid: str


class PlanOut(BaseModel):
    """What running a workflow involves: backend, model, tools (with schemas), subagents,
    skills, graph overlay and capabilities."""

    workflowId: str
    plan: dict[str, Any]
    tools: list[dict[str, Any]]


class TraceOut(BaseModel):
    """Everything recorded about a run: events, attempts, tool ledger, approvals, artifacts
    (metadata; content is in ``stable-harness export``)."""

    run: dict[str, Any]
    session: dict[str, Any]
    events: list[dict[str, Any]]
    attempts: list[dict[str, Any]]
    ledger: list[dict[str, Any]]
    approvals: list[dict[str, Any]]
    artifacts: list[dict[str, Any]]


class InspectOut(BaseModel):
    """The runtime as this server runs it (no secrets)."""

    runtime: str
    version: str
    agents: list[str]
    defaultAgent: str | None = None
    tools: list[str]
    store: str
    protocols: dict[str, dict[str, Any]]
    plugins: list[dict[str, Any]]
    runs: dict[str, int]
    sinks: dict[str, dict[str, Any]]


class HealthOut(BaseModel):
    """Liveness; reveals nothing about the configuration."""

    status: Literal["ok"]
