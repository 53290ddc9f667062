"""Protocol surfaces: how ``stable-harness start`` binds and serves them (the surfaces
themselves are plugins, e.g. ``stable-harness-http``)."""

from stable_harness.surfaces.bindings import BindError, plan_bindings
from stable_harness.surfaces.contract import (
    MountedSurface,
    Surface,
    SurfaceBinding,
    SurfaceMount,
)
from stable_harness.surfaces.serve import make_mounted, serve_surfaces

__all__ = ["BindError", "MountedSurface", "Surface", "SurfaceBinding", "SurfaceMount",
           "make_mounted", "plan_bindings", "serve_surfaces"]
