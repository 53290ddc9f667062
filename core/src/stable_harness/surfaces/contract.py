"""What a protocol surface implements, and what it is given to serve."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime


@dataclass(frozen=True)
class SurfaceMount:
    """A surface served inside another one's server, at ``path`` (``SurfaceRecord.mounted_on``);
    ``config`` is its validated config."""

    name: str
    path: str
    config: Any


@dataclass(frozen=True)
class SurfaceBinding:
    """Where and how one surface listens: resolved from ``Runtime.spec.protocols.<name>``,
    the surface's defaults and ``start``'s flags. ``bearer_token`` is the resolved secret
    (``None``: no auth, only ever on a loopback address)."""

    name: str
    host: str
    port: int
    bearer_token: str | None
    config: Any
    mounts: tuple[SurfaceMount, ...] = ()  # surfaces this one serves at their paths

    def url(self, port: int | None = None) -> str:
        """``http://host:port`` (IPv6 hosts bracketed); ``port`` overrides for port 0."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port if port is None else port}"


@runtime_checkable
class Surface(Protocol):
    """A protocol surface: built by its record's factory as ``factory(config)``.

    ``serve`` listens on ``binding``, calls ``ready(url)`` once it accepts connections (with
    the real port when ``binding.port`` is 0), and returns once ``stop`` is set and its
    connections are closed. It reaches runs only through ``runtime`` (the same lifecycle as
    the SDK and CLI), never through backends directly."""

    async def serve(self, runtime: Runtime, binding: SurfaceBinding, *,
                    ready: Callable[[str], None], stop: asyncio.Event) -> None:
        """Serve until ``stop`` is set."""
        ...


@runtime_checkable
class MountedSurface(Protocol):
    """A surface served at a path of another surface (built as ``factory(config)``).

    ``mount(runtime)`` is an async context manager that yields the ASGI app to mount for as
    long as the host serves; the host's bearer token and limits apply in front of it."""

    def mount(self, runtime: Runtime) -> AbstractAsyncContextManager[Any]:
        """The app to mount, while it is served."""
        ...
