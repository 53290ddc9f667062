"""Registration of the ``langgraph`` surface (no FastAPI import here)."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import SurfaceRecord

DEFAULT_PORT = 2024


@hookimpl
def stable_harness_register_surfaces() -> Sequence[SurfaceRecord]:
    return [SurfaceRecord(
        name="langgraph",
        factory="stable_harness_langgraph_api.surface:LangGraphSurface",
        summary="LangGraph server API: assistants, threads, runs (stream, wait, join, "
                "cancel), state and history, /store; graph_id = agent id",
        config_model="stable_harness_langgraph_api.config:LangGraphConfig",
        default_port=DEFAULT_PORT,
        enabled_by_default=True,
    )]
