"""Config models of the built-in plugins (kept apart so registration modules stay light)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel


class PluginConfig(BaseModel):
    """Config model base: YAML keys are camelCase and typos are errors."""

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True
    )


class NoConfig(PluginConfig):
    """For implementations that take no configuration: any key is an error."""


class ConsoleSinkConfig(PluginConfig):
    """Configuration of the ``console`` event sink."""

    stream: Literal["stderr", "stdout"] = Field("stderr", description="Where to write.")
    colors: bool | None = Field(None, description="Force colours on/off; default: if a TTY.")


class JsonlSinkConfig(PluginConfig):
    """Configuration of the ``jsonl`` event sink."""

    path: str = Field(".stable-harness/events.jsonl", min_length=1,
                      description="File to append to (relative paths: to the workspace).")
    fsync: bool = Field(False, description="fsync after every event (slower, survives power loss).")


class PythonBackendOptions(PluginConfig):
    """``Agent.spec.options`` for the ``python`` backend: none yet."""


class PythonToolConfig(PluginConfig):
    """``Tool.spec.config`` for the ``python`` registry: none yet."""


class SqliteStoreConfig(PluginConfig):
    """Configuration of the ``sqlite`` run store."""

    path: str = Field(".stable-harness/runtime.db", min_length=1,
                      description="Database file (relative paths: to the workspace).")
    synchronous: Literal["NORMAL", "FULL"] = Field(
        "FULL", description="SQLite `synchronous` in WAL mode: FULL also survives power loss.")


class SqliteMemoryConfig(PluginConfig):
    """Configuration of the ``sqlite`` memory store."""

    path: str = Field(".stable-harness/memory.db", min_length=1,
                      description="Database file (relative paths: to the workspace).")


PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
PLACEHOLDERS = ("input", "last_tool_result", "turn")


def _check_placeholders(value: Any) -> None:
    if isinstance(value, str):
        for name in PLACEHOLDER.findall(value):
            if name not in PLACEHOLDERS:
                raise ValueError(f"unknown placeholder {{{{ {name} }}}}; use one of "
                                 + ", ".join(f"{{{{ {p} }}}}" for p in PLACEHOLDERS))
    elif isinstance(value, list):
        for item in value:
            _check_placeholders(item)
    elif isinstance(value, dict):
        for item in value.values():
            _check_placeholders(item)


class ScriptedToolCall(PluginConfig):
    """A tool call the model makes."""

    name: str = Field(min_length=1, description="Tool name.")
    args: dict[str, Any] = Field(default_factory=dict, description="Arguments (templated).")

    @model_validator(mode="after")
    def _known_placeholders(self) -> ScriptedToolCall:
        _check_placeholders(self.args)
        return self


class ScriptedTurn(PluginConfig):
    """One model answer: text, tool calls, or both."""

    text: str | None = Field(None, description="Assistant text (templated).")
    tool_calls: list[ScriptedToolCall] = Field(default_factory=list, description="Tool calls.")

    @model_validator(mode="after")
    def _not_empty(self) -> ScriptedTurn:
        if self.text is None and not self.tool_calls:
            raise ValueError("a turn needs `text`, `toolCalls`, or both")
        _check_placeholders(self.text)
        return self


class ScriptedModelConfig(PluginConfig):
    """``Model.spec.config`` for the ``scripted`` provider."""

    turns: list[ScriptedTurn] = Field(min_length=1, description="Answers, played in order.")
    token_latency_ms: float = Field(0, ge=0, description="Delay per streamed token.")
