"""Configuration of the HTTP surfaces (``Runtime.spec.protocols.<name>.config``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)

    max_body_bytes: int = Field(
        1_048_576, ge=1024, le=1_073_741_824,
        description="Largest request body accepted; larger ones get 413 before they are read.")
    keepalive_seconds: float = Field(
        15.0, gt=0, le=300, description="SSE comment sent when no event came for this long.")


class NativeConfig(_Config):
    """The native runtime API."""


class OpenAIConfig(_Config):
    """The OpenAI-compatible API."""

    expose_agents: list[str] | None = Field(
        None, description="Agents listed as models; all agents when omitted.")
    cancel_on_disconnect: bool = Field(
        True, description="Cancel the run when a streaming client disconnects before the end.")
    narration: bool = Field(
        True, description="Send `stable_harness.progress.narration` SSE events while "
                          "streaming (step and plan progress in words).")
    session_header: str = Field(
        "X-Stable-Harness-Session",
        description="Request header that continues a session (the `user` field also does).")
