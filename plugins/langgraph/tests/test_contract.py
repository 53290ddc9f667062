"""The core's backend adapter contract, on the ``langgraph`` backend (its default agents: the
built-in scripted model, ``interruptOn`` for the approval agent)."""

from __future__ import annotations

from stable_harness.testing.contracts import BackendContract


class TestLangGraphContract(BackendContract):
    backend = "langgraph"
