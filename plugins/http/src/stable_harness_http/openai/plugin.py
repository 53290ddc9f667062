"""Registration of the ``openaiCompatible`` surface (no FastAPI import here)."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import SurfaceRecord

DEFAULT_PORT = 8642


@hookimpl
def stable_harness_register_surfaces() -> Sequence[SurfaceRecord]:
    return [SurfaceRecord(
        name="openaiCompatible",
        factory="stable_harness_http.openai.surface:OpenAISurface",
        summary="OpenAI-compatible API: /v1/models, /v1/capabilities, /v1/chat/completions "
                "(streaming included); model = agent id",
        config_model="stable_harness_http.config:OpenAIConfig",
        default_port=DEFAULT_PORT,
        enabled_by_default=True,
        takes_bare_port=True,
    )]
