"""``/threads/{id}/runs`` and stateless ``/runs``: background, streamed, waited, joined,
cancelled. A run is a stable-harness run; ``multitask_strategy`` is its busy-session
policy."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import StreamingResponse
from stable_harness.errors import InvalidRequestError
from stable_harness.gateway.network import UrlRules
from stable_harness.runs.models import Run
from stable_harness.runs.states import RunStatus
from stable_harness_http.sse import SSE_HEADERS, with_keepalive

from stable_harness_langgraph_api.deps import Api, ApiContext
from stable_harness_langgraph_api.schemas import RunIn
from stable_harness_langgraph_api.shapes import STATUS_FILTER, run_json
from stable_harness_langgraph_api.stream import run_stream

router = APIRouter(tags=["runs"])
log = logging.getLogger("stable_harness_langgraph_api")
_tasks: set[asyncio.Task[Any]] = set()  # fire-and-forget work, kept from the collector


def _where(run: Run) -> dict[str, str]:
    base = f"/threads/{run.session_id}/runs/{run.id}"
    return {"Content-Location": base, "Location": f"{base}/stream"}


async def _start(api: ApiContext, thread_id: str | None, body: RunIn, *,
                 answered: bool | str = False) -> tuple[Run, int]:
    """The run and the event it streams after (a resumed run: from where it resumed);
    ``answered``: the caller streams or waits, and forgets a stateless run after."""
    if body.after_seconds:
        raise InvalidRequestError("after_seconds (delayed runs) is not supported; start the "
                                  "run when it is due", field="after_seconds")
    if body.webhook:
        check_webhook(api, body.webhook)  # before anything is stored
    before = 0
    if thread_id is not None and body.command is not None and body.command.resume is not None:
        parked = await api.service.store.list_runs(session_id=thread_id,
                                                   statuses={RunStatus.WAITING_APPROVAL})
        before = parked[-1].last_seq if parked else 0
    run = await api.service.create_run(thread_id, body.model_dump(exclude_none=True),
                                       answered=answered)
    if body.webhook:
        _webhook(api, run, body.webhook)
    return run, before


def _webhook_rules(api: ApiContext) -> UrlRules:
    return UrlRules(allow_networks=tuple(api.service.config.webhook_networks))


def check_webhook(api: ApiContext, url: str) -> None:
    """Refuse a webhook URL the tool gateway's URL rules refuse (checked on the resolved
    addresses: nothing private, loopback or link-local unless ``webhookNetworks`` allows)."""
    problem = _webhook_rules(api).problem(url)
    if problem:
        raise InvalidRequestError(f"webhook {url[:200]!r} refused: {problem}",
                                  field="webhook")


def _webhook(api: ApiContext, run: Run, url: str) -> None:
    """Best effort: POST the run to ``url`` once it ends (or parks); failures are logged."""

    async def send() -> None:
        import httpx

        try:
            done = await api.service.runtime.wait(run.id, until="settled")
            problem = _webhook_rules(api).problem(url)  # again: DNS may have changed
            if problem:
                raise ValueError(problem)
            async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
                await client.post(url, json=run_json(done))
        except Exception as exc:  # best effort, by contract
            log.warning("webhook %s for run %s failed: %s", url, run.id, exc)

    task = asyncio.get_running_loop().create_task(send(), name=f"webhook-{run.id}")
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def _forgets(body: RunIn) -> bool:
    return (body.on_completion or "delete") == "delete"


def _sse(api: ApiContext, run: Run, after: int, *, metadata: bool,
         cancel_on_disconnect: bool, body: RunIn | None = None,
         forget: bool = False) -> StreamingResponse:
    modes: list[str] | None = None
    if body is not None and body.stream_mode is not None:
        given = body.stream_mode
        modes = [given] if isinstance(given, str) else [str(m) for m in given]
    source = run_stream(api.service, run, after=after, metadata=metadata, modes=modes)

    async def guarded() -> AsyncIterator[bytes]:
        finished = False
        try:
            async for chunk in with_keepalive(source, every=api.binding.config.keepalive_seconds,
                                              stop=api.stopping):
                yield chunk
            finished = True
        finally:
            if forget:
                api.service.forget(run)
            if not finished and cancel_on_disconnect:
                task = asyncio.get_running_loop().create_task(api.service.runtime.cancel(
                    run.id, reason="the streaming client disconnected", wait=0))
                _tasks.add(task)
                task.add_done_callback(_tasks.discard)

    return StreamingResponse(guarded(), media_type="text/event-stream",
                             headers={**SSE_HEADERS, **_where(run)})


def _after(last_event_id: str | None) -> int:
    if last_event_id is None or last_event_id in ("", "-1"):
        return 0
    if not last_event_id.isdigit():
        raise InvalidRequestError(f"Last-Event-ID {last_event_id[:40]!r} is not an event id "
                                  "of this stream", field="Last-Event-ID")
    return int(last_event_id)


# -- on a thread ------------------------------------------------------------------------------

@router.post("/threads/{thread_id}/runs")
async def create(api: Api, thread_id: str, body: RunIn, response: Response) -> dict[str, Any]:
    """Start a run in the background."""
    run, _ = await _start(api, thread_id, body)
    response.headers.update(_where(run))
    return run_json(run)


@router.post("/threads/{thread_id}/runs/stream", response_class=StreamingResponse)
async def stream(api: Api, thread_id: str, body: RunIn) -> StreamingResponse:
    """Start a run and stream it (``metadata`` first, ``end`` last)."""
    run, after = await _start(api, thread_id, body)
    return _sse(api, run, after, metadata=True,
                cancel_on_disconnect=body.on_disconnect == "cancel", body=body)


@router.post("/threads/{thread_id}/runs/wait")
async def wait(api: Api, thread_id: str, body: RunIn, response: Response) -> Any:
    """Start a run and answer with the thread's values once it ends or pauses."""
    run, _ = await _start(api, thread_id, body, answered="wait")
    response.headers.update(_where(run))
    done = await api.service.runtime.wait(run.id, until="settled")
    return await api.service.final_values(done)


@router.get("/threads/{thread_id}/runs")
async def list_runs(api: Api, thread_id: str,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
                    offset: Annotated[int, Query(ge=0)] = 0,
                    status: Literal["pending", "running", "error", "success", "timeout",
                                    "interrupted"] | None = None) -> list[dict[str, Any]]:
    """The thread's runs, newest first."""
    await api.service.session(thread_id)
    runs = list(reversed(await api.service.runs_of(thread_id)))
    if status is not None:
        runs = [r for r in runs if r.status in STATUS_FILTER[status]]
    return [run_json(r) for r in runs[offset:offset + limit]]


@router.get("/threads/{thread_id}/runs/{run_id}")
async def get(api: Api, thread_id: str, run_id: str) -> dict[str, Any]:
    """One run."""
    return run_json(await api.service.run(thread_id, run_id))


@router.delete("/threads/{thread_id}/runs/{run_id}", status_code=204)
async def delete(api: Api, thread_id: str, run_id: str) -> Response:
    """Delete a run that has ended."""
    await api.service.delete_run(await api.service.run(thread_id, run_id))
    return Response(status_code=204)


@router.post("/threads/{thread_id}/runs/{run_id}/cancel")
async def cancel(api: Api, thread_id: str, run_id: str,
                 wait: Annotated[bool, Query()] = False,
                 action: Annotated[Literal["interrupt", "rollback"], Query()] = "interrupt",
                 ) -> dict[str, Any]:
    """Cancel a run; ``rollback`` also drops it from the thread's state and history."""
    run = await api.service.run(thread_id, run_id)
    return run_json(await api.service.cancel(run, action, wait))


@router.get("/threads/{thread_id}/runs/{run_id}/join")
async def join(api: Api, thread_id: str, run_id: str) -> Any:
    """Wait for a run to end (or pause); answer with the thread's values."""
    run = await api.service.run(thread_id, run_id)
    done = await api.service.runtime.wait(run.id, until="settled")
    return await api.service.final_values(done)


@router.get("/threads/{thread_id}/runs/{run_id}/stream", response_class=StreamingResponse)
async def join_stream(api: Api, thread_id: str, run_id: str,
                      last_event_id: Annotated[str | None, Header(max_length=64)] = None,
                      cancel_on_disconnect: Annotated[bool, Query()] = False,
                      ) -> StreamingResponse:
    """Stream a run from the start, or after ``Last-Event-ID`` (a resumed stream)."""
    run = await api.service.run(thread_id, run_id)
    after = _after(last_event_id)
    return _sse(api, run, after, metadata=after == 0,
                cancel_on_disconnect=cancel_on_disconnect)


# -- stateless ------------------------------------------------------------------------------

@router.post("/runs")
async def create_stateless(api: Api, body: RunIn, response: Response) -> dict[str, Any]:
    """Start a run on a new thread of its own (deleted when it ends unless
    ``on_completion: keep``)."""
    run, _ = await _start(api, None, body)
    response.headers.update(_where(run))
    return run_json(run)


@router.post("/runs/stream", response_class=StreamingResponse)
async def stream_stateless(api: Api, body: RunIn) -> StreamingResponse:
    """Start a run on a thread of its own and stream it."""
    run, _ = await _start(api, None, body, answered=True)
    return _sse(api, run, 0, metadata=True, cancel_on_disconnect=body.on_disconnect == "cancel",
                body=body, forget=_forgets(body))


@router.post("/runs/wait")
async def wait_stateless(api: Api, body: RunIn) -> Any:
    """Start a run on a thread of its own and answer with its values."""
    run, _ = await _start(api, None, body, answered="wait")
    try:
        done = await api.service.runtime.wait(run.id, until="settled")
        return await api.service.final_values(done)
    finally:
        if _forgets(body):
            api.service.forget(run)


@router.post("/runs/batch")
async def batch(api: Api, body: list[RunIn]) -> list[dict[str, Any]]:
    """Start several stateless runs."""
    if len(body) > 100:
        raise InvalidRequestError("at most 100 runs per batch", field="body")
    return [run_json((await _start(api, None, item))[0]) for item in body]


@router.post("/runs/cancel", status_code=204)
async def cancel_many(api: Api, body: dict[str, Any]) -> Response:
    """Cancel the runs named (``thread_id`` + ``run_ids``), or all of a ``status``."""
    runs: list[Run] = []
    thread_id, run_ids, status = body.get("thread_id"), body.get("run_ids"), body.get("status")
    if isinstance(thread_id, str) and isinstance(run_ids, list):
        runs = [await api.service.run(thread_id, str(r)) for r in run_ids]
    elif status in ("pending", "running", "all"):
        wanted = {"pending": {"queued"}, "running": {"running"},
                  "all": {"queued", "running", "waiting_approval"}}[status]
        runs = [r for r in await api.service.store.list_runs(limit=10_000)
                if str(r.status) in wanted]
    else:
        raise InvalidRequestError("give thread_id and run_ids, or status (pending, running "
                                  "or all)", field="body")
    for run in runs:
        with contextlib.suppress(Exception):
            await api.service.cancel(run, str(body.get("action") or "interrupt"), False)
    return Response(status_code=204)
