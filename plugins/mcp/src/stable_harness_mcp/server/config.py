"""Configuration of the ``mcp`` surface (``Runtime.spec.protocols.mcp``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class McpServeConfig(BaseModel):
    """The runtime served over MCP."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)

    expose_agents: list[str] | None = Field(
        None, description="Agents offered as tools; all agents when omitted.")
    elicitation: bool = Field(
        True, description="Ask a client that supports elicitation to decide a run's approval "
                          "instead of answering with the approval id.")
