"""Registration of the ``http`` surface, the native runtime API (no FastAPI import here)."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import SurfaceRecord

DEFAULT_PORT = 8640


@hookimpl
def stable_harness_register_surfaces() -> Sequence[SurfaceRecord]:
    return [SurfaceRecord(
        name="http",
        factory="stable_harness_http.native.surface:NativeSurface",
        summary="native runtime API: requests, runs, SSE events with Last-Event-ID resume, "
                "approvals, inspection, harness.run.* operations (OpenAPI at /openapi.json)",
        config_model="stable_harness_http.config:NativeConfig",
        default_port=DEFAULT_PORT,
        enabled_by_default=True,
    )]
