"""ASGI middleware in front of every route: bearer-token auth (constant-time) and the request
body size limit. Pure ASGI so that it covers streaming responses and unknown paths alike."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
ErrorBody = Callable[[int, str, str], dict[str, Any]]


class Guard:
    """Refuses requests without the bearer token (except ``open_paths``) and bodies larger
    than ``max_body_bytes``; ``error_body(status, code, message)`` shapes the refusal."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body_bytes: int,
                 error_body: ErrorBody, open_paths: frozenset[str] = frozenset(),
                 key_header: bytes | None = None) -> None:
        self.app = app
        self.expected = None if token is None else _digest(token)
        self.max_body_bytes = max_body_bytes
        self.error_body = error_body
        self.open_paths = open_paths
        # a header that carries the token bare (the LangGraph SDKs send `x-api-key`)
        self.key_header = key_header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if not self._authorized(scope):
            if scope["type"] != "http":  # a WebSocket (or any other scope) is refused too
                await send({"type": "websocket.close", "code": 1008})
                return
            await self._refuse(send, 401, "invalid_api_key",
                               "missing or wrong bearer token (send `Authorization: Bearer "
                               "<token>`)", {"www-authenticate": "Bearer"})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and (not (length.isascii() and length.isdigit())
                                   or int(length) > self.max_body_bytes):
            await self._too_large(send)
            return
        # The body is read whole here, so a chunked upload past the limit is a 413 before the
        # app sees anything (the app's own parser would turn the error into a 400).
        body: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                body.append(message)
                break
            seen += len(message.get("body", b""))
            if seen > self.max_body_bytes:
                await self._too_large(send)
                return
            body.append(message)
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return body.pop(0) if body else await receive()

        await self.app(scope, replay, send)

    def _authorized(self, scope: Scope) -> bool:
        if self.expected is None or scope["path"] in self.open_paths:
            return True
        scheme, _, credentials = (_header(scope, b"authorization") or "").strip().partition(" ")
        # RFC 7235: the scheme is case-insensitive. Equal-length digests compared in constant
        # time: neither where the token differs nor its length leaks through timing.
        matches = hmac.compare_digest(_digest(credentials.strip()), self.expected)
        if matches and scheme.lower() == "bearer":
            return True
        bare = _header(scope, self.key_header) if self.key_header is not None else None
        return bare is not None and hmac.compare_digest(_digest(bare.strip()), self.expected)

    async def _too_large(self, send: Send) -> None:
        await self._refuse(send, 413, "body_too_large",
                           f"request body larger than {self.max_body_bytes} bytes", {})

    async def _refuse(self, send: Send, status: int, code: str, message: str,
                      headers: dict[str, str]) -> None:
        body = json.dumps(self.error_body(status, code, message)).encode()
        raw = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()),
               *((k.encode(), v.encode()) for k, v in headers.items())]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).digest()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None
