"""Cancellation for synchronous tools.

Python cannot stop a thread from outside, so a synchronous tool that runs for long should
look at its cancellation token and return early: the runtime sets it when the run is
cancelled or the call times out. The runtime stops waiting at once either way and records
the call as ``abandoned``; a tool that never looks runs on to its end in the background and
its result is discarded.

    from stable_harness.tools.cancellation import cancelled

    def crawl(urls: list[str]) -> int:
        for n, url in enumerate(urls):
            if cancelled():
                return n
            fetch(url)
        return len(urls)
"""

from __future__ import annotations

import threading
from contextvars import ContextVar

CURRENT: ContextVar[threading.Event | None] = ContextVar("stable_harness_tool_cancel",
                                                         default=None)


def token() -> threading.Event | None:
    """The running tool call's cancellation token (None outside a runtime tool call)."""
    return CURRENT.get()


def cancelled() -> bool:
    """Whether the running tool call has been cancelled (its run cancelled or timed out)."""
    event = CURRENT.get()
    return event is not None and event.is_set()
