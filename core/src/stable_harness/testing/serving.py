"""A runtime and its protocol surfaces served in a background thread, for tests whose
clients are synchronous (the ``openai`` client, httpx) or run in another process."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding, serve_surfaces
from stable_harness.surfaces.bindings import load_for_serving

T = TypeVar("T")


class ServedRuntime:
    """``Runtime.open`` on ``workspace`` plus ``bindings`` served on their own event loop.

    ``urls`` maps surface names to their URLs once all accept connections; ``call`` runs a
    coroutine (e.g. ``served.runtime.get_run(id)``) on the server's loop. Use as a context
    manager, or call :meth:`close`."""

    def __init__(self, workspace: Path, bindings: Sequence[SurfaceBinding], *,
                 timeout: float = 60.0) -> None:
        self.urls: dict[str, str] = {}
        self.runtime: Runtime | None = None
        self._expected = len(bindings)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._main, args=(workspace, list(bindings)),
                                        daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or self._error is not None:
            self.close()
            raise RuntimeError(f"the surfaces did not start: {self._error!r}")

    def _main(self, workspace: Path, bindings: list[SurfaceBinding]) -> None:
        async def main() -> None:
            self.runtime = await Runtime.open(load_for_serving(workspace))
            try:
                await serve_surfaces(self.runtime, bindings, ready=self._on_ready,
                                     stop=self._stop)
            finally:
                await self.runtime.close()

        try:
            self._loop.run_until_complete(main())
        except BaseException as exc:  # reported to the test that started us
            self._error = exc
            self._ready.set()

    def _on_ready(self, binding: SurfaceBinding, url: str) -> None:
        self.urls[binding.name] = url
        if len(self.urls) == self._expected:
            self._ready.set()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run ``coro`` on the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def close(self) -> None:
        """Stop serving, close the runtime and wait for the thread."""
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def __enter__(self) -> ServedRuntime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def free_port_args(workspace: Path, *, but: Sequence[str] = ()) -> list[str]:
    """``--port NAME=0`` for every surface ``stable-harness start`` would open on
    ``workspace`` (those installed and on by default included) but ``but``, so that a test's
    ``start`` never collides with another one on a surface's fixed default port."""
    import os

    from stable_harness.surfaces.bindings import enabled_surfaces
    from stable_harness.workspace.env_files import apply_env_files

    saved = dict(os.environ)
    try:
        apply_env_files(workspace)  # what `start` reads before it loads the workspace
        surfaces = enabled_surfaces(load_for_serving(workspace))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return [arg for name, (record, _) in sorted(surfaces.items())
            if record.mounted_on is None and name not in but
            for arg in ("--port", f"{name}=0")]
