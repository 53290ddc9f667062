"""Requests (runs) and the ``harness.execution`` operations by their contract names."""

from __future__ import annotations

import contextlib
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response
from stable_harness.runs import Run, RunStatus

from stable_harness_http.context import Context
from stable_harness_http.native.convert import to_run_request
from stable_harness_http.native.schemas import (
    CancelBody,
    CancelIn,
    CancelOut,
    GetIn,
    HarnessRunResult,
    RequestDetail,
    RunList,
    RunOut,
    RunRequestIn,
)

router = APIRouter()
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]
Wait = Annotated[Literal["none", "settled", "terminal"], Query(
    description="Answer at once (202), or once the run settles (parked for an approval or "
                "finished) or is terminal.")]
WaitTimeout = Annotated[float, Query(gt=0, le=600, description="Longest wait, in seconds; "
                                                              "the run's state then.")]


async def _start(ctx: Context, body: RunRequestIn, key: str | None, wait: str,
                 timeout: float, response: Response) -> Run:
    run = await ctx.runtime.start(to_run_request(body, key))
    if wait == "none":
        return run
    with contextlib.suppress(TimeoutError):
        run = await ctx.runtime.wait(run.id, until=wait, timeout=timeout)  # type: ignore[arg-type]
    settled = run.status.terminal or (wait == "settled"
                                      and run.status is RunStatus.WAITING_APPROVAL)
    response.status_code = 200 if settled else 202
    return run


@router.post("/requests", response_model=RunOut, status_code=202, tags=["requests"],
             responses={200: {"model": RunOut, "description": "The run, after waiting."}})
async def post_request(ctx: Context, body: RunRequestIn, response: Response,
                       idempotency_key: IdempotencyKey = None, wait: Wait = "none",
                       timeout: WaitTimeout = 60.0) -> dict[str, object]:
    """Submit a runtime request. 202 with the stored run (durable once answered); the same
    ``Idempotency-Key`` (or ``requestId``) returns the same run."""
    run = await _start(ctx, body, idempotency_key, wait, timeout, response)
    return run.to_dict()


@router.get("/requests", response_model=RunList, tags=["requests"])
async def list_requests(
    ctx: Context,
    sessionId: Annotated[str | None, Query(max_length=128)] = None,
    status: RunStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, object]:
    """Runs, newest first (a session's runs oldest first)."""
    runs = await ctx.runtime.list_runs(session_id=sessionId, status=status, limit=limit)
    return {"requests": [r.to_dict() for r in runs]}


@router.get("/requests/{request_id}", response_model=RequestDetail, tags=["requests"])
async def get_request(ctx: Context, request_id: str) -> dict[str, object]:
    """One request: its run and its approvals."""
    run = await ctx.runtime.get_run(request_id)
    approvals = await ctx.runtime.list_approvals(run_id=run.id)
    return {**run.to_dict(), "approvals": [a.to_dict() for a in approvals]}


@router.get("/runs/{run_id}", response_model=RunOut, tags=["runs"])
async def get_run(ctx: Context, run_id: str) -> dict[str, object]:
    """One run (``harness.run.get``)."""
    return (await ctx.runtime.get_run(run_id)).to_dict()


@router.post("/runs/{run_id}/cancel", response_model=CancelOut, tags=["runs"])
async def cancel_run(ctx: Context, run_id: str, body: CancelBody | None = None
                     ) -> dict[str, object]:
    """Cancel a run wherever it is driven; a finished run is left as it is."""
    reason = None if body is None else body.reason
    return await ctx.runtime.cancel(run_id, reason=reason)


@router.post("/operations/harness.run.start", response_model=HarnessRunResult,
             status_code=202, tags=["harness.execution"], operation_id="harness.run.start")
async def op_start(ctx: Context, body: RunRequestIn, response: Response,
                   idempotency_key: IdempotencyKey = None) -> dict[str, object]:
    """``harness.run.start``: start a harness run; ``{run}`` as a ``HarnessRun``."""
    run = await _start(ctx, body, idempotency_key, "none", 1.0, response)
    return {"run": await ctx.runtime.harness_run(run.id)}


@router.post("/operations/harness.run.cancel", response_model=CancelOut,
             tags=["harness.execution"], operation_id="harness.run.cancel")
async def op_cancel(ctx: Context, body: CancelIn) -> dict[str, object]:
    """``harness.run.cancel``: cancel an active harness run; ``runId``, ``status``,
    ``cancelledAt``."""
    return await ctx.runtime.cancel(body.runId, reason=body.reason)


@router.post("/operations/harness.run.get", response_model=HarnessRunResult,
             tags=["harness.execution"], operation_id="harness.run.get")
async def op_get(ctx: Context, body: GetIn) -> dict[str, object]:
    """``harness.run.get``: read one harness run; ``{run}`` with its ``steps``."""
    return {"run": await ctx.runtime.harness_run(body.runId)}

