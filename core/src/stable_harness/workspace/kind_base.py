"""What every workspace model shares: camelCase keys, unknown keys refused, and the reference
to a plugin implementation (`use` + `config`)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


def check_tags(value: list[str]) -> list[str]:
    """Tags are lowercase letters, digits and '-' (they are matched by policies)."""
    for tag in value:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", tag):
            raise ValueError(f"tag {tag!r} must be lowercase letters, digits and '-'")
    return value


class Base(BaseModel):
    """YAML uses camelCase keys; unknown keys are errors, so typos never pass silently."""

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True
    )


class PluginRef(Base):
    """Selects an implementation by name and configures it."""

    use: str = Field(description="Name of the implementation (as `plugins list` shows it).")
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="Configuration, validated by the implementation's own config model.",
    )


