"""Runtime state: inspect, sessions, workflows (agent graphs), approvals, health."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Query
from stable_harness.errors import NotFoundError
from stable_harness.runs import IN_FLIGHT
from stable_harness.runtime import Runtime
from stable_harness.workspace.workflows import describe_workflow, dispatchers
from stable_harness.workspace.workflows import workflow_mermaid as topology_mermaid

from stable_harness_http.context import Context
from stable_harness_http.native.schemas import (
    ApprovalList,
    ApprovalOut,
    DecisionIn,
    HealthOut,
    InspectOut,
    MermaidOut,
    PlanOut,
    SessionList,
    WorkflowList,
)

router = APIRouter()


@router.get("/health", response_model=HealthOut, tags=["inspect"], operation_id="health")
async def health() -> dict[str, str]:
    """Liveness (open without a token: it says nothing about the configuration)."""
    return {"status": "ok"}


@router.get("/inspect", response_model=InspectOut, tags=["inspect"])
async def inspect(ctx: Context) -> dict[str, Any]:
    """The runtime this server runs: agents, tools, store, protocols (never tokens),
    plugins, runs in flight and event-sink health."""
    rt = ctx.runtime
    ws = rt.workspace
    in_flight = await rt.store.list_runs(statuses=IN_FLIGHT, limit=10_000)
    counts: dict[str, int] = {}
    for run in in_flight:
        counts[str(run.status)] = counts.get(str(run.status), 0) + 1
    return {
        "runtime": ws.root.name, "version": version("stable-harness-core"),
        "agents": sorted(ws.agents), "defaultAgent": ws.runtime.default_agent,
        "tools": sorted(ws.tools), "store": ws.runtime.store.use,
        "protocols": _protocols(rt),
        "plugins": [{k: row[k] for k in ("name", "distribution", "version", "status")}
                    for row in ws.plugins.statuses()],
        "runs": counts, "sinks": rt.sink_health(),
    }


def _protocols(rt: Runtime) -> dict[str, Any]:
    """Configured surfaces and the ones serving now (a default-on surface the YAML does not
    name is serving too); ``url`` is set while one serves."""
    out: dict[str, Any] = {}
    for name, p in rt.workspace.runtime.protocols.items():
        out[name] = {"enabled": p.enabled, "host": p.host, "port": p.port,
                     "auth": bool(p.bearer_token), "serving": False, "url": None}
    for name, live in rt.serving.items():
        port = urlsplit(live["url"]).port
        out[name] = {**out.get(name, {}), "enabled": True, "host": live["host"], "port": port,
                     "auth": live["auth"], "serving": True, "url": live["url"]}
    return out


@router.get("/sessions", response_model=SessionList, tags=["sessions"])
async def sessions(ctx: Context, limit: Annotated[int, Query(ge=1, le=1000)] = 100
                   ) -> dict[str, Any]:
    """Sessions, most recently active first."""
    return {"sessions": [s.to_dict() for s in await ctx.runtime.list_sessions(limit)]}


def _workflow(rt: Runtime, workflow_id: str) -> dict[str, Any]:
    if workflow_id not in rt.workspace.agents and workflow_id not in rt.workspace.workflows:
        known = sorted(rt.workspace.agents) + sorted(rt.workspace.workflows)
        raise NotFoundError(f"no workflow '{workflow_id}' (workflows are the workspace's "
                            f"agents and Workflow documents: {', '.join(known) or 'none'})")
    if workflow_id in rt.workspace.workflows:
        return describe_workflow(rt.workspace.workflows[workflow_id], dispatchers(rt.workspace))
    return rt.describe_agent(workflow_id)


@router.get("/workflows", response_model=WorkflowList, tags=["workflows"])
async def workflows(ctx: Context) -> dict[str, Any]:
    """Workflows: one per agent, as its backend builds it, then the Workflow documents."""
    out = []
    for name in sorted(ctx.runtime.workspace.agents):
        d = ctx.runtime.describe_agent(name)
        out.append({"workflowId": name, "kind": "agent", "description": d["description"],
                    "backend": d["backend"], "model": d["model"], "tools": d["tools"],
                    "subagents": d["subagents"], "capabilities": d["capabilities"]})
    able = dispatchers(ctx.runtime.workspace)
    out += [describe_workflow(entry, able) for entry in ctx.runtime.workspace.workflows.values()]
    return {"workflows": out}


@router.get("/workflows/{workflow_id}/mermaid", response_model=MermaidOut, tags=["workflows"])
async def workflow_mermaid(ctx: Context, workflow_id: str) -> dict[str, Any]:
    """The workflow's graph as Mermaid: an agent's drawn by its backend (400 when it has
    none), a Workflow document's from its topology."""
    _workflow(ctx.runtime, workflow_id)
    if workflow_id in ctx.runtime.workspace.workflows:
        entry = ctx.runtime.workspace.workflows[workflow_id]
        return {"workflowId": workflow_id, "mermaid": topology_mermaid(entry)}
    described = ctx.runtime.describe_agent(workflow_id, graph=True)
    return {"workflowId": workflow_id, "mermaid": described["mermaid"]}


@router.get("/workflows/{workflow_id}/plan", response_model=PlanOut, tags=["workflows"])
async def workflow_plan(ctx: Context, workflow_id: str) -> dict[str, Any]:
    """What running the workflow involves: its description, its nodes (for a Workflow
    document) and the tools it may call, with their schemas."""
    plan = _workflow(ctx.runtime, workflow_id)
    if workflow_id in ctx.runtime.workspace.workflows:
        tools = [t for t in ctx.runtime.describe_tools() if t["name"] in plan["tools"]]
    else:
        tools = ctx.runtime.describe_tools(workflow_id)
    return {"workflowId": workflow_id, "plan": plan, "tools": tools}


@router.get("/approvals", response_model=ApprovalList, tags=["approvals"])
async def approvals(
    ctx: Context,
    status: Literal["pending", "approve", "edit", "reject"] | None = None,
    runId: Annotated[str | None, Query(max_length=128)] = None,
) -> dict[str, Any]:
    """Approvals, oldest first (``status=pending`` for those awaiting a decision)."""
    found = await ctx.runtime.list_approvals(run_id=runId, status=status)
    return {"approvals": [a.to_dict() for a in found]}


@router.post("/approvals/{approval_id}", response_model=ApprovalOut, tags=["approvals"])
async def decide(ctx: Context, approval_id: str, body: DecisionIn) -> dict[str, Any]:
    """Approve, edit (replacement ``arguments``) or reject (with a ``message``); the run
    resumes through its backend's own interrupt mechanism."""
    approval = await ctx.runtime.resolve_approval(approval_id, body.decision,
                                                  message=body.message,
                                                  arguments=body.arguments, by=body.by)
    return approval.to_dict()
