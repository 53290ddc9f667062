"""One MCP server as a tool source (:class:`stable_harness.tools.sources.ToolSource`).

The connection is made on first use and shared by every run of the runtime. The ``mcp``
client lives in a task of its own (its transports are anyio task groups, bound to the task
that enters them); runs call through it from their own tasks. A stdio server that exits is
noticed by a watcher on its process: the connection is dropped, logged with the exit code,
and made again on the next use after a backoff that grows with consecutive failures. A server
that cannot start fails with the command, the exit code and the end of its stderr, within
``connectTimeoutSeconds``: never a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stable_harness.tools.sources import (
    Progress,
    SourceError,
    SourceResult,
    SourceTool,
)

from stable_harness_mcp.client import processes
from stable_harness_mcp.client.translate import source_result, source_tool

if TYPE_CHECKING:
    from stable_harness.workspace.kinds import McpServerSpec

log = logging.getLogger(__name__)
BACKOFF_FIRST, BACKOFF_MAX = 0.25, 30.0
STDERR_TAIL = 2000


class McpToolSource:
    """The tools of the MCP server ``name`` declared by ``spec`` (``McpServer.spec``)."""

    def __init__(self, config: Any, *, name: str, spec: McpServerSpec, root: Path,
                 secret: Callable[[Any], Any]) -> None:
        self.name = name
        self.spec = spec
        self.root = root
        self._secret = secret
        self._connection: _Connection | None = None
        self._lock = asyncio.Lock()
        self._tools: list[SourceTool] | None = None
        self._listeners: list[Callable[[], None]] = []
        self._failures = 0
        self._retry_at = 0.0
        self._closed = False

    # -- the contract ------------------------------------------------------------------------

    async def list_tools(self) -> list[SourceTool]:
        """The server's tools (every page), cached until it says they changed."""
        if self._tools is None:
            connection = await self._connected()
            tools: list[Any] = []
            cursor: str | None = None
            try:
                while True:
                    async with asyncio.timeout(self.spec.connect_timeout_seconds):
                        page = await connection.client.list_tools(cursor=cursor,
                                                                  cache_mode="refresh")
                    tools.extend(page.tools)
                    cursor = page.next_cursor
                    if not cursor:
                        break
            except Exception as exc:
                raise await self._lost(connection, exc, "listing its tools") from exc
            self._tools = [source_tool(t) for t in tools]
        return self._tools

    async def call_tool(self, name: str, arguments: dict[str, Any], *,
                        progress: Progress | None = None,
                        timeout: float | None = None) -> SourceResult:
        """Call ``name``; a cancelled await or ``timeout`` sends ``notifications/cancelled``
        (the SDK does so when a request is abandoned)."""
        connection = await self._connected()
        try:
            async with asyncio.timeout(timeout):
                result = await connection.client.call_tool(name, arguments,
                                                           progress_callback=progress)
        except TimeoutError:
            raise
        except Exception as exc:
            from mcp import MCPError
            from mcp.types import CONNECTION_CLOSED

            if isinstance(exc, MCPError) and exc.error.code != CONNECTION_CLOSED \
                    and not connection.broken():
                # the server answered with a protocol error (unknown tool, bad arguments):
                # the connection is fine, the call failed
                raise SourceError(f"MCP server '{self.name}' refused the call to '{name}': "
                                  f"{exc}") from exc
            raise await self._lost(connection, exc, f"calling '{name}'") from exc
        self._failures = 0
        return source_result(result, name)

    def on_tools_changed(self, callback: Callable[[], None]) -> None:
        """``callback`` runs when the server sends ``notifications/tools/list_changed``."""
        self._listeners.append(callback)

    async def close(self) -> None:
        """Disconnect; a stdio server's process is stopped (its whole process group)."""
        self._closed = True
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    # -- connecting --------------------------------------------------------------------------

    async def _connected(self) -> _Connection:
        async with self._lock:
            if self._closed:
                raise SourceError(f"MCP server '{self.name}': the runtime is closing")
            current = self._connection
            if current is not None and not current.broken():
                return current
            if current is not None:
                self._connection = None
                await current.close()
            wait = self._retry_at - time.monotonic()
            if wait > 0:  # a restart after a crash waits out its backoff
                await asyncio.sleep(wait)
            connection = _Connection(self)
            try:
                await connection.start(self.spec.connect_timeout_seconds)
            except BaseException:
                self._backoff()
                await connection.close()
                raise
            self._connection = connection
            return connection

    def _backoff(self) -> None:
        self._failures += 1
        delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (self._failures - 1))
        self._retry_at = time.monotonic() + delay

    async def _lost(self, connection: _Connection, exc: BaseException, doing: str
                    ) -> SourceError:
        """The connection failed while ``doing``: drop it (the next use reconnects)."""
        await asyncio.sleep(0)  # let the process watcher see an exit first
        leaf = _leaf(exc)
        what = connection.describe_end() or f"{type(leaf).__name__}: {leaf}"
        async with self._lock:
            if self._connection is connection:
                self._connection = None
                self._tools = None
                self._backoff()
        await connection.close()
        return SourceError(f"MCP server '{self.name}' failed while {doing}: {what}")

    def _exited(self, connection: _Connection, code: int | None) -> None:
        """The watcher saw the server's process end while we were connected."""
        if self._closed or connection.closing:
            return
        log.warning("MCP server '%s' exited (exit code %s); it restarts on next use%s",
                    self.name, code, _tail_note(connection.stderr_tail()))
        if self._connection is connection:
            self._connection = None
            self._tools = None
            self._backoff()

    def _tools_changed(self) -> None:
        self._tools = None
        for callback in list(self._listeners):
            try:
                callback()
            except Exception:  # a listener's bug must not break the connection
                log.exception("tools-changed listener of MCP server '%s' failed", self.name)

    # -- transports --------------------------------------------------------------------------

    def target(self, stderr: Any) -> Any:
        """What ``mcp.Client`` connects to, secrets resolved now (only now)."""
        spec = self.spec
        if spec.transport == "stdio":
            from mcp import StdioServerParameters

            assert spec.command is not None  # the spec validates it
            cwd = Path(spec.cwd) if spec.cwd else self.root
            if not cwd.is_absolute():
                cwd = self.root / cwd
            from mcp.client.stdio import stdio_client

            params = StdioServerParameters(command=spec.command, args=list(spec.args),
                                           env={k: str(self._secret(v))
                                                for k, v in spec.env.items()} or None,
                                           cwd=str(cwd))
            return stdio_client(params, errlog=stderr)  # its stderr, for our messages
        headers = {k: str(self._secret(v)) for k, v in spec.headers.items()}
        assert spec.url is not None
        if spec.transport == "sse":
            from mcp.client.sse import sse_client

            return sse_client(spec.url, headers=headers or None)
        import httpx2
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        http: httpx2.AsyncClient = create_mcp_http_client(headers=headers or None)
        return streamable_http_client(spec.url, http_client=http)

    def where(self) -> str:
        """The server's command line or URL, for messages (no secret in either)."""
        spec = self.spec
        if spec.transport == "stdio":
            return " ".join([spec.command or "", *spec.args])
        return str(spec.url)


class _Connection:
    """One live ``mcp.Client`` held by a task of its own."""

    def __init__(self, source: McpToolSource) -> None:
        self.source = source
        self.client: Any = None
        self.closing = False
        self._stop = asyncio.Event()
        self._ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task: asyncio.Task[None] | None = None
        self._watch: asyncio.Task[None] | None = None
        self._process: Any = None
        self._spawned = processes.Spawned()
        self._exit_code: int | None = None
        self._error: BaseException | None = None
        # closed in close(): it outlives this call (the server writes to it while connected)
        self._stderr = (tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")  # noqa: SIM115
                        if source.spec.transport == "stdio" else None)

    async def start(self, timeout: float) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._hold(), name=f"mcp-{self.source.name}")
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(self._ready)
        except TimeoutError:
            raise SourceError(self._start_failure(f"did not answer within {timeout:g} s"
                                                  )) from None
        except SourceError:
            raise
        except Exception as exc:
            leaf = _leaf(exc)
            raise SourceError(self._start_failure(f"{type(leaf).__name__}: {leaf}")) from exc

    async def _hold(self) -> None:
        from mcp import Client

        async def on_message(message: Any) -> None:
            from mcp import types

            if isinstance(message, types.ToolListChangedNotification):
                self.source._tools_changed()

        try:
            with processes.recording() as spawned:
                self._spawned = spawned
                client = Client(self.source.target(self._stderr), message_handler=on_message,
                                cache=None)
                async with client:
                    self.client = client
                    self._process = spawned.process
                    if self._process is not None:
                        self._watch = asyncio.get_running_loop().create_task(
                            self._watch_process(self._process))
                    self._ready.set_result(None)
                    await self._stop.wait()
        except BaseException as exc:  # also a cancel: the start's caller sees why
            self._error = exc
            if not self._ready.done():
                self._ready.set_exception(exc if isinstance(exc, Exception)
                                          else SourceError("the connection was cancelled"))
            if not isinstance(exc, Exception):
                raise
        finally:
            if not self._ready.done():
                self._ready.set_exception(SourceError("the connection ended"))

    async def _watch_process(self, process: Any) -> None:
        with contextlib.suppress(Exception):
            self._exit_code = await process.wait()
            self.source._exited(self, self._exit_code)

    def broken(self) -> bool:
        """Whether this connection can no longer carry calls."""
        return (self._exit_code is not None or self._error is not None
                or (self._task is not None and self._task.done()))

    def describe_end(self) -> str | None:
        """How the server went away, if it did: its exit code and the end of its stderr."""
        if self._exit_code is None and self._error is None:
            return None
        parts = []
        if self._exit_code is not None:
            parts.append(f"the server exited with code {self._exit_code}")
        elif self._error is not None:
            leaf = _leaf(self._error)
            parts.append(f"{type(leaf).__name__}: {leaf}")
        return "; ".join(parts) + _tail_note(self.stderr_tail())

    def stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        with contextlib.suppress(OSError, ValueError):
            self._stderr.flush()
            size = self._stderr.seek(0, os.SEEK_END)
            self._stderr.seek(max(0, size - STDERR_TAIL))
            return self._stderr.read().strip()
        return ""

    def _start_failure(self, why: str) -> str:
        source = self.source
        code = self._exit_code if self._exit_code is not None else self._spawned.exit_code()
        return (f"MCP server '{source.name}' ({source.spec.transport}: {source.where()}) could "
                f"not start: {why}" + (f"; exit code {code}" if code is not None else "")
                + _tail_note(self.stderr_tail()))

    async def close(self) -> None:
        self.closing = True
        self._stop.set()
        if self._task is not None and not self._task.done():
            try:
                async with asyncio.timeout(10):
                    await asyncio.shield(self._task)
            except (TimeoutError, Exception):
                self._task.cancel()
                with contextlib.suppress(BaseException):
                    await self._task
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(BaseException):
                await self._watch
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError, OSError):
                os.killpg(self._process.pid, 9)  # the SDK started it in a session of its own
        if self._stderr is not None:
            self._stderr.close()


def _leaf(exc: BaseException) -> BaseException:
    """The first real error inside anyio's exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _tail_note(tail: str) -> str:
    return f"; its stderr ends: {tail[-500:]!r}" if tail else ""
