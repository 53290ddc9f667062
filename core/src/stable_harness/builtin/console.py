"""Built-in plugin ``console``: a human-readable event sink (structlog)."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import EventSinkRecord


@hookimpl
def stable_harness_register_event_sinks() -> Sequence[EventSinkRecord]:
    return [
        EventSinkRecord(
            name="console",
            factory="stable_harness.builtin.console_sink:ConsoleSink",
            summary="Human-readable event lines on the terminal (structlog)",
            config_model="stable_harness.builtin.config:ConsoleSinkConfig",
        )
    ]
