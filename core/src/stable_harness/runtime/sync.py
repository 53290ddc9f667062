"""A blocking facade over :class:`Runtime` for scripts and notebooks.

The runtime lives on its own event loop in a background thread, so its background work (the
event writer, sinks, lease renewal) keeps going between calls.

    with SyncRuntime.open("my-workspace") as rt:
        run = rt.run("hello")
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from stable_harness.runs.events import Event
from stable_harness.runtime.runtime import Runtime

T = TypeVar("T")


class SyncRuntime:
    """Every async method of :class:`Runtime`, blocking (see the module docstring)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, thread: threading.Thread,
                 runtime: Runtime) -> None:
        self._loop = loop
        self._thread = thread
        self.runtime = runtime

    @classmethod
    def open(cls, workspace: str | Path = ".", *, recover: bool = True,
             environ: Mapping[str, str] | None = None) -> SyncRuntime:
        """Open a runtime on a fresh background loop."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="stable-harness", daemon=True)
        thread.start()
        try:
            runtime = asyncio.run_coroutine_threadsafe(
                Runtime.open(workspace, recover=recover, environ=environ), loop).result()
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            raise
        return cls(loop, thread, runtime)

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.runtime, name)
        if not asyncio.iscoroutinefunction(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(attr(*args, **kwargs))

        call.__doc__ = attr.__doc__
        return call

    def events(self, run_id: str, after: int = 0, **kwargs: Any) -> Iterator[Event]:
        """Blocking iterator over :meth:`Runtime.events`."""
        stream = self.runtime.events(run_id, after, **kwargs)

        async def step() -> Event:
            return await stream.__anext__()

        while True:
            try:
                yield self._call(step())
            except StopAsyncIteration:
                return

    def close(self) -> None:
        """Close the runtime and stop its loop."""
        if self._thread.is_alive():
            try:
                self._call(self.runtime.close())
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join()
                self._loop.close()

    def __enter__(self) -> SyncRuntime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
