"""The run-store slot: the contract every store implements (the built-in one is SQLite)."""

from stable_harness.store.contract import RunPatch, RunStore, WriteBatch

__all__ = ["RunPatch", "RunStore", "WriteBatch"]
