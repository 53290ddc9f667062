"""The LangGraph server API as an ASGI app (FastAPI behind the auth and body-size guard)."""

from __future__ import annotations

import asyncio
from importlib.metadata import version
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding
from stable_harness_http.errors import AsciiJSONResponse, install_handlers
from stable_harness_http.guard import Guard
from stable_harness_http.openapi_doc import publish_openapi

from stable_harness_langgraph_api import (
    assistants_routes,
    crons_routes,
    runs_routes,
    store_routes,
    threads_routes,
)
from stable_harness_langgraph_api.config import LangGraphConfig
from stable_harness_langgraph_api.crons import Crons
from stable_harness_langgraph_api.deps import Api, ApiContext
from stable_harness_langgraph_api.service import LangGraphService
from stable_harness_langgraph_api.shapes import lg_error

DESCRIPTION = """The LangGraph server API served by the stable-harness runtime: assistants
(graph_id = agent), threads (sessions), runs, streaming with `Last-Event-ID` resume,
interrupts resumed through the runtime's approvals, and the store over a workspace Memory.
Errors are `{"detail", "error": {"code", "message", "field"}}`."""

ERROR_SCHEMA = {
    "type": "object", "required": ["detail", "error"],
    "properties": {"detail": {"type": "string"}, "error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "field": {"type": ["string", "null"]},
                       "diagnostics": {"type": "object"}}}}}

meta = APIRouter(tags=["server"])
unsupported = APIRouter(tags=["not supported"])


@meta.get("/ok", operation_id="health")
async def ok() -> dict[str, Any]:
    """Liveness (no token needed)."""
    return {"ok": True}


@meta.get("/info")
async def info(api: Api) -> dict[str, Any]:
    """Server version and what it supports."""
    return {"version": version("stable-harness-langgraph-api"),
            "langgraph_py_version": None, "flags": {"assistants": True, "crons": True},
            "host": {"kind": "stable-harness", "graphs": api.service.agents()}}


def _not_supported(what: str) -> JSONResponse:
    response: JSONResponse = AsciiJSONResponse(
        lg_error(501, "not_supported", f"{what} are not supported by this server yet "
                 "(docs/langgraph-compatible.md)"), status_code=501)
    return response


unsupported.add_api_route("/threads/{thread_id}/stream",
                          lambda: _not_supported("thread streams (join a run's stream)"),
                          methods=["GET"], include_in_schema=False)
unsupported.add_api_route("/threads/prune", lambda: _not_supported("thread pruning"),
                          methods=["POST"], include_in_schema=False)


def build_langgraph_app(runtime: Runtime, binding: SurfaceBinding,
                        stopping: asyncio.Event | None = None,
                        crons: Crons | None = None) -> Guard:
    """The app for ``binding`` (its token and limits apply to every route but ``/ok``);
    ``crons``: the scheduler the surface runs beside it."""
    config = binding.config
    assert isinstance(config, LangGraphConfig)
    crons = crons or Crons(LangGraphService(runtime, config))
    app = FastAPI(default_response_class=AsciiJSONResponse,
                  title="stable-harness LangGraph API",
                  version=version("stable-harness-langgraph-api"), description=DESCRIPTION,
                  docs_url="/docs", redoc_url=None)
    app.state.context = ApiContext(crons.service, crons, binding,
                                   stopping or asyncio.Event())
    install_handlers(app, lg_error)
    app.include_router(meta)
    app.include_router(unsupported)  # before /threads/{id}: `prune` is not a thread id
    for module in (assistants_routes, threads_routes, crons_routes, runs_routes, store_routes):
        app.include_router(module.router)
    publish_openapi(app, error_schema=ERROR_SCHEMA, bearer=binding.bearer_token is not None)
    return Guard(app, token=binding.bearer_token, max_body_bytes=config.max_body_bytes,
                 error_body=lambda status, code, message: lg_error(status, code, message),
                 open_paths=frozenset({"/ok"}), key_header=b"x-api-key")
