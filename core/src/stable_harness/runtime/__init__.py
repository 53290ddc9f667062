"""The runtime: the run lifecycle shared by every surface (SDK, CLI, HTTP, protocols).

Names load on first use, so a light helper of this package (``runtime.cancelling``, used by
``stable-harness cancel``) can be imported without the whole runtime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stable_harness.runtime.context import RunContext
    from stable_harness.runtime.runtime import Runtime
    from stable_harness.runtime.sync import SyncRuntime
    from stable_harness.runtime.tools import ToolCallError, ToolNotAvailableError

__all__ = ["RunContext", "Runtime", "SyncRuntime", "ToolCallError", "ToolNotAvailableError"]
_LAZY = {"RunContext": "context", "Runtime": "runtime", "SyncRuntime": "sync",
         "ToolCallError": "tools", "ToolNotAvailableError": "tools"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"stable_harness.runtime.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'stable_harness.runtime' has no attribute {name!r}")
