"""What a memory store plugin implements (see :mod:`stable_harness.memory.contract`)."""

from stable_harness.memory.contract import MemoryItem, MemoryStore, Namespace, check_key

__all__ = ["MemoryItem", "MemoryStore", "Namespace", "check_key"]
