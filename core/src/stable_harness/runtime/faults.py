"""Deterministic crash points for crash tests (the way SQLite's test VFS injects faults).

Set ``STABLE_HARNESS_CRASH_AT`` to a point name (optionally ``point:detail``, e.g.
``tool-executed:send_email``) and the process kills itself with SIGKILL when it reaches it,
so tests can stop a run at an exact place instead of guessing timings.
Points: ``tool-intent-recorded`` (the ledger holds the intent; the tool has not run),
``tool-executed`` (the tool returned; its result is not stored), ``tool-result-recorded``
(the outcome is in the ledger; the framework has not checkpointed it), ``run-completing`` (the
output is known; the run is not yet marked completed).
"""

from __future__ import annotations

import os
import signal

ENV_CRASH_AT = "STABLE_HARNESS_CRASH_AT"
POINTS = ("tool-intent-recorded", "tool-executed", "tool-result-recorded", "run-completing")
_TARGET = os.environ.get(ENV_CRASH_AT)


def crash_point(name: str, detail: str = "") -> None:
    """Kill this process now if ``STABLE_HARNESS_CRASH_AT`` names ``name`` (or
    ``name:detail``)."""
    if _TARGET is not None and _TARGET in (name, f"{name}:{detail}"):
        os.kill(os.getpid(), signal.SIGKILL)
