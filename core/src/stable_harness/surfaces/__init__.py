"""Protocol surfaces: how ``stable-harness start`` binds and serves them (the surfaces
themselves are plugins, e.g. ``stable-harness-http``)."""

from stable_harness.surfaces.bindings import BindError, plan_bindings
from stable_harness.surfaces.contract import Surface, SurfaceBinding
from stable_harness.surfaces.serve import serve_surfaces

__all__ = ["BindError", "Surface", "SurfaceBinding", "plan_bindings", "serve_surfaces"]
