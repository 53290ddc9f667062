"""The ``python`` tool registry: resolve ``module:function`` and its JSON Schema."""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import create_model

from stable_harness.builtin.config import PythonToolConfig
from stable_harness.errors import StableHarnessError
from stable_harness.workspace.kinds import ToolSpec


@dataclass(frozen=True)
class PythonTool:
    """A loaded tool: its function and the JSON Schema of its arguments."""

    name: str
    function: Callable[..., Any]
    parameters: dict[str, Any]
    description: str


def import_object(path: str, root: Path | None = None) -> Any:
    """Import ``module:attr`` (``root`` is put on ``sys.path`` first, for workspace modules)."""
    module_name, _, attr = path.partition(":")
    if root is not None:
        _prefer_workspace(module_name, root)
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise StableHarnessError(f"cannot import {path}: {type(exc).__name__}: {exc}") from exc
    return obj


def _prefer_workspace(module_name: str, root: Path) -> None:
    """Put ``root`` first on ``sys.path`` and, when ``root`` has its own copy of the module,
    forget one imported from elsewhere: two workspaces in one process (tests, a host serving
    several) each get their own ``agents.py`` / ``tools.py``."""
    folder = str(root)
    if folder in sys.path:
        sys.path.remove(folder)
    sys.path.insert(0, folder)
    top = module_name.split(".")[0]
    if not ((root / f"{top}.py").is_file() or (root / top).is_dir()):
        return
    loaded = getattr(sys.modules.get(top), "__file__", None)
    if loaded is not None and Path(root).resolve() not in Path(loaded).resolve().parents:
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]


def schema_from_signature(function: Callable[..., Any]) -> dict[str, Any]:
    """JSON Schema of a function's parameters from its type hints (pydantic does the mapping)."""
    fields: dict[str, Any] = {}
    for name, param in inspect.signature(function).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = Any if param.annotation is param.empty else param.annotation
        default = ... if param.default is param.empty else param.default
        fields[name] = (annotation, default)
    model = create_model(f"{function.__name__}_args", **fields)
    schema: dict[str, Any] = model.model_json_schema()
    schema.pop("title", None)
    return schema


class PythonToolRegistry:
    """Loads ``kind: Tool`` entries whose ``spec.entrypoint`` is a Python function."""

    def __init__(self, config: PythonToolConfig) -> None:
        self.config = config

    def load(self, name: str, spec: ToolSpec, root: Path | None = None) -> PythonTool:
        """Import the tool; the explicit ``spec.parameters`` wins over the derived schema."""
        if spec.entrypoint is None:
            raise StableHarnessError(f"tool '{name}' has no spec.entrypoint")
        function = import_object(spec.entrypoint, root)
        if not callable(function):
            raise StableHarnessError(f"tool '{name}': {spec.entrypoint} is not callable")
        parameters = spec.parameters or schema_from_signature(function)
        description = spec.description or inspect.getdoc(function) or ""
        return PythonTool(name, function, parameters, description)
