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


class BodyTooLarge(Exception):
    """The body grew past the limit while it was read."""


class Guard:
    """Refuses requests without the bearer token (except ``open_paths``) and bodies larger
    than ``max_body_bytes``; ``error_body(status, code, message)`` shapes the refusal."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body_bytes: int,
                 error_body: ErrorBody, open_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.expected = None if token is None else _digest(f"Bearer {token}")
        self.max_body_bytes = max_body_bytes
        self.error_body = error_body
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._authorized(scope):
            await self._refuse(send, 401, "invalid_api_key",
                               "missing or wrong bearer token (send `Authorization: Bearer "
                               "<token>`)", {"www-authenticate": "Bearer"})
            return
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await self._too_large(send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._limited(receive), send_tracked)
        except BodyTooLarge:
            if not started:
                await self._too_large(send)

    def _authorized(self, scope: Scope) -> bool:
        if self.expected is None or scope["path"] in self.open_paths:
            return True
        given = _header(scope, b"authorization") or ""
        # equal-length digests compared in constant time: neither where the token differs
        # nor its length leaks through timing
        return hmac.compare_digest(_digest(given), self.expected)

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def receive_limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        return receive_limited

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
