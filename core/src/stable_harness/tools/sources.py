"""The tool source contract: a source lists tools it discovers at run time (an MCP server)
and calls them. Like a registry it never decides whether a call may run: the runtime puts every
call through the tool gateway, the policies and the ledger, as for a workspace tool.

A tool-source record's factory is called once per declared server as
``factory(config, name=..., spec=..., root=..., secret=...)``: ``spec`` is the validated
document spec (``McpServer.spec``), ``root`` the workspace folder, and ``secret(text)``
resolves ``${secret:…}`` references in a value, to be called only when the connection is
made so that no secret is held longer than it must be.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

# (progress, total, message), as MCP's ``notifications/progress`` carries them
Progress = Callable[[float, float | None, str | None], Awaitable[None]]


@dataclass(frozen=True)
class SourceTool:
    """A tool as its source describes it.

    :param name: the source's own name for the tool (before any prefix).
    :param parameters: the JSON Schema (an ``object``) of its arguments.
    :param tags: tags its own metadata implies (``read-only``, ``mutating``, ``idempotent``,
        ``network``), merged under the ones the workspace sets.
    :param output_schema: the JSON Schema of its structured result, when it declares one.
    """

    name: str
    description: str
    parameters: dict[str, Any]
    tags: frozenset[str] = frozenset()
    output_schema: dict[str, Any] | None = None


@dataclass(frozen=True)
class SourceArtifact:
    """A file-like part of a result (an image, an embedded resource), stored as an artifact."""

    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class SourceResult:
    """What a call returned.

    :param value: what the model reads: text, or the structured content when the tool gave
        one.
    :param is_error: the tool reported a failure (the model reads ``value`` as the error).
    :param artifacts: binary parts, stored by the runtime and described in the result.
    """

    value: Any
    is_error: bool = False
    artifacts: tuple[SourceArtifact, ...] = field(default_factory=tuple)


class SourceError(Exception):
    """The source cannot be reached or answer (it failed to start, crashed, or timed out).

    The message says what happened in words an operator can act on: the command, the exit
    code and the end of its stderr, or the URL and the status."""


@runtime_checkable
class ToolSource(Protocol):
    """A connection to one tool server, shared by the runs of one runtime."""

    async def list_tools(self) -> list[SourceTool]:
        """The server's tools; connects on first use. Raise :class:`SourceError` when the
        server cannot be reached."""
        ...

    async def call_tool(self, name: str, arguments: dict[str, Any], *,
                        progress: Progress | None = None,
                        timeout: float | None = None) -> SourceResult:
        """Call ``name``. Cancelling the awaiting task (a cancelled run) or ``timeout``
        elapsing tells the server the call is abandoned. Raise :class:`SourceError` when the
        server is gone; the next call reconnects."""
        ...

    def on_tools_changed(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the server says its tool list changed."""
        ...

    async def close(self) -> None:
        """Disconnect and stop whatever the source started (no process left behind)."""
        ...
