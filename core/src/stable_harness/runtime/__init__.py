"""The runtime: the run lifecycle shared by every surface (SDK, CLI, HTTP, protocols)."""

from stable_harness.runtime.context import RunContext
from stable_harness.runtime.runtime import Runtime
from stable_harness.runtime.sync import SyncRuntime
from stable_harness.runtime.tools import ToolCallError, ToolNotAvailableError

__all__ = ["RunContext", "Runtime", "SyncRuntime", "ToolCallError", "ToolNotAvailableError"]
