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
    if root is not None and str(root) not in sys.path:
        sys.path.insert(0, str(root))
    module_name, _, attr = path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise StableHarnessError(f"cannot import {path}: {type(exc).__name__}: {exc}") from exc
    return obj


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
