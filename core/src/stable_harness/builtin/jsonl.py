"""Built-in plugin ``jsonl``: an event sink appending one JSON document per line to a file."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import EventSinkRecord


@hookimpl
def stable_harness_register_event_sinks() -> Sequence[EventSinkRecord]:
    return [
        EventSinkRecord(
            name="jsonl",
            factory="stable_harness.builtin.jsonl_sink:JsonlSink",
            summary="Append events as JSON lines to a file",
            config_model="stable_harness.builtin.config:JsonlSinkConfig",
        )
    ]
