"""The `{{ cookiecutter.plugin_name }}` tool registry: tools that fill a text template.

    kind: Tool
    metadata: {name: greet}
    spec: {registry: {{ cookiecutter.plugin_name }}, config: {template: "Hello {name}!"}}

Each ``{field}`` of the template is a required string argument. This is where a real source
of tools plugs in (an HTTP API, a catalogue, a remote server): ``load`` returns the callable,
its JSON Schema and description; the runtime wraps every call in its gateway and ledger.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field
from stable_harness.builtin.config import PluginConfig
from stable_harness.errors import StableHarnessError
from stable_harness.workspace.kinds import ToolSpec


class {{ cookiecutter.__class_prefix }}ToolConfig(PluginConfig):
    """`Tool.spec.config` of tools from this registry."""

    template: str = Field(min_length=1, description="Text with `{field}` placeholders.")


@dataclass(frozen=True)
class TemplateTool:
    """A loaded tool (the shape the runtime expects)."""

    function: Callable[..., Any]
    parameters: dict[str, Any]
    description: str


class {{ cookiecutter.__class_prefix }}Registry:
    """The factory's object: ``factory(config)`` with the tool's validated config."""

    def __init__(self, config: {{ cookiecutter.__class_prefix }}ToolConfig) -> None:
        self.config = config

    def load(self, name: str, spec: ToolSpec, root: Path | None = None) -> TemplateTool:
        template = self.config.template
        try:
            fields = sorted({f for _, f, _, _ in string.Formatter().parse(template) if f})
        except ValueError as exc:
            raise StableHarnessError(f"tool '{name}': bad template: {exc}") from exc

        def render(**arguments: str) -> str:
            return template.format(**arguments)

        parameters = {"type": "object", "additionalProperties": False,
                      "properties": {f: {"type": "string"} for f in fields}, "required": fields}
        description = spec.description or f"Fill the template {template!r}"
        return TemplateTool(render, parameters, description)
