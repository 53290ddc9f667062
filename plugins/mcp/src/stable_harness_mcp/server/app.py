"""The runtime as an MCP server (the SDK's ``MCPServer``): tools, resources and progress.

Tools: one per exposed agent (its input becomes a run; the result is the run's output), the
``harness.execution`` operations ``harness.run.start`` / ``harness.run.get`` /
``harness.run.cancel``, ``approvals.list``, ``approvals.decide`` and ``runs.list``. While an
agent tool runs, the run's events reach the client as progress notifications; a client that
cancels the request cancels the run. A run that parks for an approval answers with the
approval's id (and, when the client can elicit, the server asks it first). Resources: each
run's trace (``stable-harness://runs/{id}``) and each exposed agent's description
(``stable-harness://agents/{name}``).

Every call goes through the same :class:`~stable_harness.runtime.Runtime` as the SDK, the CLI
and HTTP, so a run started here is visible, cancellable and approvable everywhere.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from stable_harness.errors import StableHarnessError
from stable_harness.runs import RunRequest
from stable_harness.runs.events import EventType

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime

INSTRUCTIONS = """The stable-harness runtime. Each agent is a tool: call it with `input` and
it answers with the run's output. Runs are durable: `harness.run.get` reads one, and
`harness.run.cancel` stops one. A run that needs a human decision answers with an
`approvalId`; decide it with `approvals.decide`."""

# what a client is told as the run goes (the progress message of each event)
PROGRESS = {
    EventType.RUN_STARTED: "run started",
    EventType.TOOL_STARTED: "calling {tool}",
    EventType.TOOL_COMPLETED: "{tool} returned",
    EventType.TOOL_FAILED: "{tool} failed",
    EventType.APPROVAL_REQUESTED: "waiting for approval {approvalId}",
    EventType.RUN_RETRYING: "retrying",
}


def build_server(runtime: Runtime, expose: list[str] | None = None,
                 *, elicit: bool = True) -> MCPServer:
    """An ``MCPServer`` over ``runtime`` offering the agents in ``expose`` (default: all)."""
    server = MCPServer("stable-harness", instructions=INSTRUCTIONS)
    agents = _exposed(runtime, expose)

    def fail(exc: StableHarnessError) -> ToolError:
        return ToolError(str(exc))

    for agent in agents:
        _add_agent_tool(server, runtime, agent, elicit, fail)

    @server.tool(name="harness.run.start", description=(
        "Start a run of an agent and answer at once with the run (`runId`, `status`); "
        "follow it with `harness.run.get`."))
    async def run_start(input: Any, agentId: str | None = None,
                        sessionId: str | None = None,
                        requestId: str | None = None) -> dict[str, Any]:
        agent = agentId or (agents[0] if len(agents) == 1 else None)
        if agent is not None and agent not in agents:
            raise ToolError(f"agent '{agent}' is not served here (served: "
                            f"{', '.join(agents)})")
        try:
            run = await runtime.start(RunRequest(input, agent, sessionId,
                                                 {"protocol": "mcp"}, requestId))
            return {"run": await runtime.harness_run(run.id)}
        except StableHarnessError as exc:
            raise fail(exc) from exc

    @server.tool(name="harness.run.get", description="Read one run, with its steps.",
                 annotations=ToolAnnotations(read_only_hint=True))
    async def run_get(runId: str) -> dict[str, Any]:
        try:
            return {"run": await runtime.harness_run(runId)}
        except StableHarnessError as exc:
            raise fail(exc) from exc

    @server.tool(name="harness.run.cancel", description=(
        "Cancel a run wherever it is driven; a finished run is left as it is."),
        annotations=ToolAnnotations(idempotent_hint=True, destructive_hint=True))
    async def run_cancel(runId: str, reason: str | None = None) -> dict[str, Any]:
        try:
            return await runtime.cancel(runId, reason=reason)
        except StableHarnessError as exc:
            raise fail(exc) from exc

    @server.tool(name="runs.list", description="Runs, newest first (a session's runs oldest "
                 "first).", annotations=ToolAnnotations(read_only_hint=True))
    async def runs_list(sessionId: str | None = None, status: str | None = None,
                        limit: int = 50) -> dict[str, Any]:
        from stable_harness.runs import RunStatus

        try:
            state = RunStatus(status) if status else None
        except ValueError:
            raise ToolError(f"status {status!r} is not one of "
                            f"{', '.join(s.value for s in RunStatus)}") from None
        runs = await runtime.list_runs(session_id=sessionId, status=state,
                                       limit=max(1, min(limit, 1000)))
        return {"runs": [_run_summary(r) for r in runs]}

    @server.tool(name="approvals.list", description="Approvals, oldest first.",
                 annotations=ToolAnnotations(read_only_hint=True))
    async def approvals_list(
            status: Literal["pending", "approve", "edit", "reject"] | None = "pending",
            runId: str | None = None) -> dict[str, Any]:
        approvals = await runtime.list_approvals(run_id=runId, status=status)
        return {"approvals": [a.to_dict() for a in approvals]}

    @server.tool(name="approvals.decide", description=(
        "Decide a pending approval: approve, edit (with new `arguments`) or reject (with a "
        "`message`). The run resumes; answers with the approval."))
    async def approvals_decide(approvalId: str,
                               decision: Literal["approve", "edit", "reject"],
                               message: str | None = None,
                               arguments: dict[str, Any] | None = None,
                               by: str | None = None) -> dict[str, Any]:
        try:
            approval = await runtime.resolve_approval(approvalId, decision, message=message,
                                                      arguments=arguments, by=by or "mcp")
        except StableHarnessError as exc:
            raise fail(exc) from exc
        return {"approval": approval.to_dict()}

    @server.resource("stable-harness://runs/{run_id}", mime_type="application/json",
                     description="A run's trace: events, attempts, ledger, approvals.")
    async def run_resource(run_id: str) -> str:
        try:
            document = await runtime.export_run(run_id)
        except StableHarnessError as exc:
            raise ValueError(str(exc)) from exc
        document["artifacts"] = [{k: v for k, v in a.items() if k != "content"}
                                 for a in document["artifacts"]]
        return json.dumps(document, default=str)

    for agent in agents:
        _add_agent_resource(server, runtime, agent)
    return server


def _exposed(runtime: Runtime, expose: list[str] | None) -> list[str]:
    names = sorted(runtime.workspace.agents)
    if expose is None:
        return names
    unknown = [a for a in expose if a not in names]
    if unknown:
        raise StableHarnessError(f"protocols.mcp.exposeAgents names unknown agents: "
                                 f"{', '.join(unknown)} (agents: {', '.join(names)})")
    return list(expose)


def _add_agent_tool(server: MCPServer, runtime: Runtime, agent: str, elicit: bool,
                    fail: Any) -> None:
    description = runtime.describe_agent(agent).get("description") or f"Run agent {agent}."

    async def run_agent(input: Any, ctx: Context, sessionId: str | None = None
                        ) -> dict[str, Any]:
        try:
            run = await runtime.start(RunRequest(input, agent, sessionId,
                                                 {"protocol": "mcp"}))
        except StableHarnessError as exc:
            raise fail(exc) from exc
        try:
            return await _follow(runtime, run.id, ctx, elicit)
        except BaseException:  # the client cancelled the request (or the server stops)
            # anyio cancellation is level-triggered: every await in this scope would raise
            with anyio.CancelScope(shield=True):
                if not (await runtime.get_run(run.id)).status.terminal:
                    await runtime.cancel(run.id, wait=0,
                                         reason="the MCP client cancelled the request")
            raise

    server.add_tool(run_agent, name=agent, description=(
        f"{description} Answers with the run's output (`output`), its `runId` and "
        "`status`; a run that needs a human decision answers with its `approvalId`."))


async def _follow(runtime: Runtime, run_id: str, ctx: Any, elicit: bool) -> dict[str, Any]:
    """Relay the run's events as progress until it settles; its answer as the result."""
    step = 0
    while True:
        async for event in runtime.events(run_id, until="settled"):
            template = PROGRESS.get(event.type)  # type: ignore[call-overload]
            if template is not None:
                step += 1
                try:
                    message = template.format(**event.payload)
                except (KeyError, IndexError):
                    message = event.type
                await ctx.report_progress(step, None, message)
        run = await runtime.get_run(run_id)
        if run.status.value != "waiting_approval":
            return _answer(run)
        approvals = await runtime.list_approvals(run_id=run_id, status="pending")
        if not approvals:  # just decided (by elicitation), not resumed yet: look again soon
            await anyio.sleep(0.05)
            continue
        approval = approvals[0]
        decided = await _ask(ctx, approval) if elicit else None
        if decided is None:
            return {**_answer(run), "approvalId": approval.id,
                    "approval": {"action": approval.action, "reason": approval.reason},
                    "next": "decide it with approvals.decide"}
        await runtime.resolve_approval(approval.id, decided, by="mcp-elicitation")


async def _ask(ctx: Any, approval: Any) -> str | None:
    """Ask the client's user through elicitation, when the client can; ``None`` otherwise
    (the caller answers with the approval id instead). Server-initiated requests need a
    session with a back-channel (the handshake-era protocol); on a 2026-07-28 connection,
    which asks through input-required results instead, the approval id is the answer."""
    from pydantic import BaseModel

    caps = ctx.client_capabilities
    if caps is None or getattr(caps, "elicitation", None) is None:
        return None

    class Decision(BaseModel):
        approve: bool

    try:
        result = await ctx.elicit(
            f"Approve this action? {json.dumps(approval.action, default=str)[:2000]}"
            f" (reason: {approval.reason})", Decision)
    except Exception:  # no back-channel (a 2026-07-28 connection), or the client failed
        return None
    if getattr(result, "action", None) != "accept" or result.data is None:
        return None
    return "approve" if result.data.approve else "reject"


def _answer(run: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"runId": run.id, "status": run.status.value,
                           "sessionId": run.session_id}
    if run.output is not None:
        out["output"] = run.output
    if run.error is not None:
        out["error"] = run.error
    return out


def _run_summary(run: Any) -> dict[str, Any]:
    data = run.to_dict()
    keep = ("runId", "sessionId", "agentId", "status", "createdAt", "updatedAt", "output",
            "error", "mode")
    return {k: data[k] for k in keep if k in data}


def _add_agent_resource(server: MCPServer, runtime: Runtime, agent: str) -> None:
    async def describe() -> str:
        return json.dumps(runtime.describe_agent(agent), default=str)

    server.resource(f"stable-harness://agents/{agent}", name=f"agent {agent}",
                    mime_type="application/json",
                    description=f"What agent {agent} is: backend, model, tools.")(describe)
