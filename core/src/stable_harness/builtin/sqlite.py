"""Built-in plugin ``sqlite``: the embedded run store (the default; nothing to install or
start) and the embedded memory store."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import MemoryStoreRecord, RunStoreRecord, Support


@hookimpl
def stable_harness_register_run_stores() -> Sequence[RunStoreRecord]:
    return [
        RunStoreRecord(
            name="sqlite",
            factory="stable_harness.builtin.sqlite_store:SqliteRunStore",
            summary="Runs, sessions, events and approvals in one SQLite file (WAL)",
            config_model="stable_harness.builtin.config:SqliteStoreConfig",
        )
    ]


@hookimpl
def stable_harness_register_memory_stores() -> Sequence[MemoryStoreRecord]:
    return [
        MemoryStoreRecord(
            name="sqlite",
            factory="stable_harness.builtin.sqlite_memory:SqliteMemoryStore",
            summary="Long-term memories as JSON objects in one SQLite file (WAL), with a "
                    "semantic index (sqlite-vec)",
            config_model="stable_harness.builtin.config:SqliteMemoryConfig",
            capabilities={"vector_search": Support.NATIVE},
        )
    ]
