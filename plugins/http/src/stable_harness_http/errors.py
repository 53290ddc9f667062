"""Errors as JSON: the native shape ``{"error": {"code", "message", "field"}}`` and the
OpenAI shape ``{"error": {"message", "type", "param", "code"}}``; never a traceback."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from stable_harness.errors import (
    ConflictError,
    NotFoundError,
    RunError,
    StableHarnessError,
    ToolCallRefusedError,
    UnavailableError,
)
from starlette.exceptions import HTTPException

log = logging.getLogger("stable_harness_http")
Shape = Callable[[int, str, str, str | None], dict[str, Any]]


def native_error(status: int, code: str, message: str, field: str | None = None
                 ) -> dict[str, Any]:
    """The native API's error body."""
    return {"error": {"code": code, "message": message, "field": field}}


def openai_error(status: int, code: str, message: str, field: str | None = None
                 ) -> dict[str, Any]:
    """An OpenAI-shaped error body (``type`` as the OpenAI API names it)."""
    kind = {401: "authentication_error", 404: "not_found_error", 409: "conflict_error",
            413: "invalid_request_error"}.get(status, "invalid_request_error")
    if status >= 500:
        kind = "server_error"
    return {"error": {"message": message, "type": kind, "param": field, "code": code}}


def run_error_status(exc: RunError) -> int:
    """HTTP status of a refused run operation."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, ToolCallRefusedError):
        return 422
    return 400


def install_handlers(app: FastAPI, shape: Shape) -> None:
    """Map every error to ``shape``: validation → 400 with the field at fault, refused run
    operations by kind, anything unexpected → 500 without internals."""

    async def validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        # pydantic names the member of a union that failed (`literal['a','b']`, `list[str]`)
        # in the location: the field at fault is the path without those
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "header",
                                                                  "path")
               and not ("[" in str(p) and str(p).endswith("]"))]
        if first.get("type") == "json_invalid":
            return _json(400, shape(400, "invalid_json",
                                    f"request body is not valid JSON: {first.get('msg')}", None))
        field = ".".join(loc) or None
        message = f"{field + ': ' if field else ''}{first.get('msg', 'invalid request')}"
        return _json(400, shape(400, "invalid_request", message, field))

    async def run_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RunError)
        status = run_error_status(exc)
        body = shape(status, exc.code, str(exc), exc.field)
        if isinstance(exc, ToolCallRefusedError):
            body["error"]["diagnostics"] = exc.diagnostics
        return _json(status, body)

    async def harness_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s: %s", request.method, request.url.path, exc)
        if isinstance(exc, UnavailableError):  # e.g. a tool server that did not start
            return _json(503, shape(503, "unavailable", str(exc), None))
        return _json(500, shape(500, "runtime_error", str(exc), None))

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _json(exc.status_code, shape(exc.status_code, code, str(exc.detail), None),
                     exc.headers)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return _json(500, shape(500, "internal_error",
                                "internal error; the server log has the details", None))

    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(RunError, run_error)
    app.add_exception_handler(StableHarnessError, harness_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


class AsciiJSONResponse(JSONResponse):
    """JSON written as ASCII (``\\uXXXX`` escapes): any string, even one holding a lone
    surrogate that UTF-8 cannot encode, becomes valid JSON instead of a failed response."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False,
                          separators=(",", ":")).encode("ascii")


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None
          ) -> JSONResponse:
    return AsciiJSONResponse(body, status_code=status, headers=headers)
