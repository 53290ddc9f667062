"""stable-harness: a stable runtime and operator control plane for agent applications.

This module stays light (the CLI imports it on start-up); heavier parts load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stable_harness.workspace import Workspace, load_workspace

__all__ = ["Workspace", "__version__", "load_workspace"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("stable-harness-core")
    if name in ("Workspace", "load_workspace"):
        from stable_harness import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'stable_harness' has no attribute {name!r}")
