"""stable-harness: a stable runtime and operator control plane for agent applications.

This module stays light (the CLI imports it on start-up); heavier parts load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stable_harness.runs import RunRequest, ToolCallRequest
    from stable_harness.runtime import RunContext, Runtime, SyncRuntime
    from stable_harness.workspace import Workspace, load_workspace

__all__ = ["RunContext", "RunRequest", "Runtime", "SyncRuntime", "ToolCallRequest", "Workspace",
           "__version__", "load_workspace"]
_LAZY = {"Workspace": "workspace", "load_workspace": "workspace", "Runtime": "runtime",
         "SyncRuntime": "runtime", "RunContext": "runtime", "RunRequest": "runs",
         "ToolCallRequest": "runs"}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("stable-harness-core")
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"stable_harness.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'stable_harness' has no attribute {name!r}")
