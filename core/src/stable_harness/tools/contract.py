"""The tool registry contract: a registry turns a ``kind: Tool`` entry into a callable with a
JSON Schema. The runtime wraps every call in the tool gateway and the ledger, whatever the
registry, so a registry only loads; it never decides whether a call may run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from stable_harness.workspace.kinds import ToolSpec


@runtime_checkable
class RegistryTool(Protocol):
    """A loaded tool. ``function`` is sync or async and takes the arguments as keywords;
    ``parameters`` is the JSON Schema (an ``object``) of those arguments."""

    @property
    def function(self) -> Callable[..., Any]: ...

    @property
    def parameters(self) -> dict[str, Any]: ...

    @property
    def description(self) -> str: ...


@runtime_checkable
class ToolRegistry(Protocol):
    """What a tool-registry factory returns (``factory(config)``, the validated
    ``Tool.spec.config``)."""

    def load(self, name: str, spec: ToolSpec, root: Path | None = None) -> RegistryTool:
        """Load tool ``name`` from its ``spec``; ``root`` is the workspace folder (relative
        paths and workspace modules resolve against it). Raise a ``StableHarnessError`` with
        a message naming the tool when it cannot be loaded."""
        ...
