"""The native runtime API as an ASGI app (FastAPI behind the auth and body-size guard)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI
from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding

from stable_harness_http.context import AppContext
from stable_harness_http.errors import AsciiJSONResponse, install_handlers, native_error
from stable_harness_http.guard import Guard
from stable_harness_http.native import (
    inspect_routes,
    memory_routes,
    requests_routes,
    runs_routes,
)
from stable_harness_http.openapi_doc import publish_openapi

DESCRIPTION = """The stable-harness runtime over HTTP: submit requests, follow runs as
Server-Sent Events (resume with `Last-Event-ID`), cancel them, decide approvals, and inspect
sessions and workflows. Errors are `{"error": {"code", "message", "field"}}`; a refused
request changes nothing in the store."""

ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "field": {"type": ["string", "null"]},
                       "diagnostics": {"type": "object"}}}}}


def build_native_app(runtime: Runtime, binding: SurfaceBinding,
                     stopping: asyncio.Event | None = None,
                     mounts: Mapping[str, Any] | None = None) -> Guard:
    """The app for ``binding`` (its token and limits apply to every route but ``/health``,
    and to the apps of ``mounts``: path → ASGI app, e.g. the MCP surface at ``/mcp``)."""
    app = FastAPI(default_response_class=AsciiJSONResponse,
                  title="stable-harness runtime API", version=version("stable-harness-http"),
                  description=DESCRIPTION, docs_url="/docs", redoc_url=None)
    app.state.context = AppContext(runtime, binding, stopping or asyncio.Event())
    install_handlers(app, native_error)
    for module in (requests_routes, runs_routes, inspect_routes, memory_routes):
        app.include_router(module.router)
    for path, mounted in (mounts or {}).items():
        app.mount(path, mounted)
    publish_openapi(app, error_schema=ERROR_SCHEMA, bearer=binding.bearer_token is not None)
    return Guard(app, token=binding.bearer_token,
                 max_body_bytes=binding.config.max_body_bytes,
                 error_body=native_error,
                 open_paths=frozenset({"/health"}))
