"""Synchronous tools run each in a daemon thread of its own, at most ``limit`` at a time.

A thread per call rather than the loop's default executor (min(32, cpus + 4) threads): many
concurrent slow tools do not queue behind a handful of workers, and an abandoned call (its
run cancelled or timed out) neither holds a slot nor keeps the process from exiting. The
call's cancellation token (:mod:`stable_harness.tools.cancellation`) is set the moment the
runtime stops waiting.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Callable
from typing import Any

from stable_harness.tools.cancellation import CURRENT

log = logging.getLogger("stable_harness.runtime")


class SyncToolThreads:
    """Runs synchronous tool functions off the event loop (see the module docstring)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots: asyncio.Semaphore | None = None

    async def run(self, name: str, function: Callable[..., Any], arguments: dict[str, Any]
                  ) -> Any:
        """``function(**arguments)`` in its own thread; cancelling this coroutine sets the
        call's token and returns at once (the thread may run on)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        async with self._slots:
            loop = asyncio.get_running_loop()
            future: asyncio.Future[Any] = loop.create_future()
            cancel = threading.Event()
            context = contextvars.copy_context()
            context.run(CURRENT.set, cancel)

            def work() -> None:
                try:
                    outcome: tuple[Any, BaseException | None] = (
                        context.run(function, **arguments), None)
                except BaseException as exc:  # handed to the awaiting coroutine
                    outcome = (None, exc)
                try:
                    loop.call_soon_threadsafe(_settle, future, *outcome)
                except RuntimeError:  # the loop is gone: nobody waits for this call any more
                    log.info("tool %s finished after its caller stopped waiting", name)

            threading.Thread(target=work, name=f"tool-{name}", daemon=True).start()
            try:
                return await future
            except asyncio.CancelledError:
                cancel.set()
                raise


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
