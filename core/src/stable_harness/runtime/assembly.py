"""Building a runtime's parts from the workspace: its run store and its event sinks."""

from __future__ import annotations

from stable_harness.records import Slot
from stable_harness.runtime.sinks import EventSink
from stable_harness.store.contract import RunStore
from stable_harness.workspace.model import Workspace


def make_store(ws: Workspace) -> RunStore:
    """The workspace's run store (not yet opened)."""
    ref = ws.runtime.store
    record = ws.plugins.registry(Slot.RUN_STORE).get(ref.use).record
    config = record.config_class().model_validate(ref.config)
    store: RunStore = record.load_factory()(config, base=ws.root)
    return store


def make_sinks(ws: Workspace) -> list[tuple[str, EventSink]]:
    sinks = []
    for ref in ws.runtime.event_sinks:
        record = ws.plugins.registry(Slot.EVENT_SINK).get(ref.use).record
        config = record.config_class().model_validate(ref.config)
        sinks.append((ref.use, record.load_factory()(config, base=ws.root)))
    return sinks
