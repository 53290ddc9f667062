"""The core's backend adapter contract, on the ``deepagents`` backend (its default agents: the
built-in scripted model, ``interruptOn`` for the approval agent)."""

from __future__ import annotations

from stable_harness.testing.contracts import BackendContract


class TestDeepAgentsContract(BackendContract):
    backend = "deepagents"
