"""The workspace: a folder of YAML documents describing an agent application.

The names below load on first use: the kinds are pydantic models (about a third of a second to
import), which importing the runtime or a submodule such as ``workspace.diagnostics`` must not
pay for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stable_harness.workspace.diagnostics import Diagnostic
    from stable_harness.workspace.kinds import API_VERSION, KINDS
    from stable_harness.workspace.loader import load_workspace
    from stable_harness.workspace.model import Entry, Workspace

__all__ = ["API_VERSION", "KINDS", "Diagnostic", "Entry", "Workspace", "load_workspace"]
_LAZY = {"API_VERSION": "kinds", "KINDS": "kinds", "Diagnostic": "diagnostics",
         "Entry": "model", "Workspace": "model", "load_workspace": "loader"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"stable_harness.workspace.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'stable_harness.workspace' has no attribute {name!r}")
