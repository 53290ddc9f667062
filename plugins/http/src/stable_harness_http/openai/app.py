"""The OpenAI-compatible API as an ASGI app (FastAPI behind the auth and body-size guard)."""

from __future__ import annotations

import asyncio
from importlib.metadata import version
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding

from stable_harness_http.context import AppContext, Context
from stable_harness_http.errors import AsciiJSONResponse, install_handlers, openai_error
from stable_harness_http.guard import Guard
from stable_harness_http.openai.completions import (
    PROTOCOL,
    exposed_agents,
    extension,
    gather,
    new_completion,
    pending_calls,
    run_error,
    start_completion,
    stream,
)
from stable_harness_http.openai.schemas import ChatCompletionRequest
from stable_harness_http.openapi_doc import publish_openapi
from stable_harness_http.sse import SSE_HEADERS, with_keepalive

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
CAPABILITIES = {
    "object": "stable_harness.capabilities", "protocol": PROTOCOL,
    "endpoints": ["/v1/models", "/v1/capabilities", "/v1/chat/completions"],
    "chat_completions": {
        "streaming": True, "stream_options.include_usage": True,
        "content_parts": ["text", "image_url"], "client_tools": "ignored",
        "n": 1, "session": ["X-Stable-Harness-Session header", "user field"],
        "sse_events": ["stable_harness.tool.progress", "stable_harness.progress.narration"],
    },
}
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["message", "type"],
        "properties": {"message": {"type": "string"}, "type": {"type": "string"},
                       "param": {"type": ["string", "null"]},
                       "code": {"type": ["string", "null"]}}}}}


@router.get("/models")
async def list_models(ctx: Context) -> dict[str, Any]:
    """One model per exposed agent (``model`` = agent id)."""
    created = int(ctx.runtime.workspace.root.stat().st_mtime)
    return {"object": "list", "data": [
        {"id": name, "object": "model", "created": created, "owned_by": "stable-harness"}
        for name in exposed_agents(ctx.runtime, ctx.binding)]}


@router.get("/capabilities")
async def capabilities(ctx: Context) -> dict[str, Any]:
    """What this facade supports, and the models it exposes."""
    return {**CAPABILITIES, "models": exposed_agents(ctx.runtime, ctx.binding)}


@router.post("/chat/completions", response_model=None)
async def chat_completions(ctx: Context, body: ChatCompletionRequest, request: Request
                           ) -> JSONResponse | StreamingResponse:
    """A completion from the agent named by ``model``; with ``stream: true``, chunks as
    Server-Sent Events, then ``data: [DONE]``. The session header (``sessionHeader``,
    default ``X-Stable-Harness-Session``) or ``user`` continues a session."""
    session = request.headers.get(ctx.binding.config.session_header)
    run, after = await start_completion(ctx.runtime, ctx.binding, body, session)
    completion = new_completion(run, body.model, after)
    headers = {"X-Stable-Harness-Run": run.id, "X-Stable-Harness-Session": run.session_id}
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        chunks = stream(ctx.runtime, ctx.binding, run, completion, include_usage, ctx.stopping,
                        after)
        return StreamingResponse(
            with_keepalive(chunks, every=ctx.binding.config.keepalive_seconds,
                           stop=ctx.stopping),
            media_type="text/event-stream", headers={**SSE_HEADERS, **headers})
    final = await gather(ctx.runtime, run, completion, after)
    if str(final.status) not in ("completed", "waiting_approval"):
        status, error = run_error(final)
        # a failed run is an answer, not a glitch: tell OpenAI clients not to retry it
        return JSONResponse(error, status_code=status,
                            headers={**headers, "x-should-retry": "false"})
    calls = await pending_calls(ctx.runtime, final)
    return JSONResponse(completion.message(extension(final, [c["id"] for c in calls]), calls),
                        headers=headers)


def build_openai_app(runtime: Runtime, binding: SurfaceBinding,
                     stopping: asyncio.Event | None = None) -> Guard:
    """The app for ``binding``; every route needs its token (when it has one)."""
    app = FastAPI(default_response_class=AsciiJSONResponse,
                  title="stable-harness OpenAI-compatible API",
                  version=version("stable-harness-http"), docs_url=None, redoc_url=None,
                  openapi_url="/v1/openapi.json")
    app.state.context = AppContext(runtime, binding, stopping or asyncio.Event())
    install_handlers(app, openai_error)
    app.include_router(router)
    publish_openapi(app, error_schema=ERROR_SCHEMA, bearer=binding.bearer_token is not None)
    return Guard(app, token=binding.bearer_token,
                 max_body_bytes=binding.config.max_body_bytes,
                 error_body=openai_error)
