"""A run's live events (SSE with ``Last-Event-ID`` resume) and its trace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from stable_harness_http.context import AppContext, Context
from stable_harness_http.native.convert import MAX_CURSOR, event_cursor
from stable_harness_http.native.schemas import TraceOut
from stable_harness_http.sse import SSE_HEADERS, frame, with_keepalive

router = APIRouter(tags=["runs"])

EVENT_MESSAGE = {
    "type": "object", "description": "The JSON in one SSE message's `data` line.",
    "required": ["id", "type", "runId", "sessionId", "seq", "timestamp", "payload"],
    "properties": {
        "id": {"type": "string", "description": "The event's id."},
        "type": {"type": "string", "description": "Event type (`harness.*`, docs/events.md)."},
        "runId": {"type": "string"}, "sessionId": {"type": "string"},
        "seq": {"type": "integer", "minimum": 1,
                "description": "Per-run sequence number; also the SSE `id`."},
        "timestamp": {"type": "string", "format": "date-time"},
        "parentId": {"type": ["string", "null"]},
        "payload": {"type": "object", "description": "Type-specific fields, secrets "
                                                     "redacted."}}}
EVENTS_DOC = {200: {
    "description": "Server-Sent Events (`text/event-stream`). One message per event: `id:` the "
                   "event's per-run sequence number, `event:` its type, `data:` the event as "
                   "JSON (`x-sse-message` describes it). Comment lines (`: keepalive`) keep "
                   "the connection open. The stream ends when the run is terminal or the "
                   "server stops; reconnect with `Last-Event-ID` (or `?after=`) to get every "
                   "later event exactly once.",
    "content": {"text/event-stream": {
        "schema": {"type": "string", "contentMediaType": "text/event-stream"},
        "example": 'id: 1\nevent: harness.run.queued\ndata: {"id":"evt_…","type":'
                   '"harness.run.queued","runId":"run_…","sessionId":"ses_…","seq":1,'
                   '"timestamp":"2026-01-01T00:00:00Z","parentId":null,"payload":{}}\n\n',
        "x-sse-message": EVENT_MESSAGE}}}}


@router.get("/runs/{run_id}/events", response_class=StreamingResponse, responses=EVENTS_DOC)
async def run_events(
    ctx: Context, run_id: str,
    after: Annotated[int | None, Query(ge=0, le=MAX_CURSOR,
                                       description="Resume after this sequence number.")
                     ] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=300)] = None,
) -> StreamingResponse:
    """The run's events from the store, then live ones until the run is terminal. A client
    that reconnects with ``Last-Event-ID`` gets every later event exactly once, in order."""
    cursor = event_cursor(last_event_id, after)
    await ctx.runtime.get_run(run_id)  # 404 before the stream starts
    stream = with_keepalive(_frames(ctx, run_id, cursor),
                            every=ctx.binding.config.keepalive_seconds, stop=ctx.stopping)
    return StreamingResponse(stream, media_type="text/event-stream", headers=SSE_HEADERS)


async def _frames(ctx: AppContext, run_id: str, after: int) -> AsyncIterator[bytes]:
    async for event in ctx.runtime.events(run_id, after, until="terminal"):
        yield frame(event.to_dict(), event=event.type, id=event.seq)


@router.get("/runs/{run_id}/trace", response_model=TraceOut)
async def run_trace(ctx: Context, run_id: str) -> dict[str, object]:
    """Everything recorded about a run: events, attempts, tool ledger, approvals and
    artifacts (without their content), secrets redacted."""
    document = await ctx.runtime.export_run(run_id)
    artifacts = [{k: v for k, v in a.items() if k != "content"} for a in document["artifacts"]]
    keys = ("run", "session", "events", "attempts", "ledger", "approvals")
    return {**{k: document[k] for k in keys}, "artifacts": artifacts}
