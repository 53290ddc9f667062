"""Serving several surfaces over one runtime until asked to stop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from stable_harness.errors import PluginError
from stable_harness.records import Slot
from stable_harness.surfaces.contract import (
    MountedSurface,
    Surface,
    SurfaceBinding,
    SurfaceMount,
)

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime


def make_surface(runtime: Runtime, binding: SurfaceBinding) -> Surface:
    """Build the surface of ``binding`` with its record's factory."""
    record = runtime.workspace.plugins.registry(Slot.SURFACE).get(binding.name).record
    surface = record.load_factory()(binding.config)
    if not isinstance(surface, Surface):
        raise PluginError(f"protocol '{binding.name}': its factory returned "
                          f"{type(surface).__name__}, which has no serve() method")
    return surface


def make_mounted(runtime: Runtime, mount: SurfaceMount) -> MountedSurface:
    """Build the mounted surface ``mount`` with its record's factory."""
    record = runtime.workspace.plugins.registry(Slot.SURFACE).get(mount.name).record
    surface = record.load_factory()(mount.config)
    if not isinstance(surface, MountedSurface):
        raise PluginError(f"protocol '{mount.name}': its factory returned "
                          f"{type(surface).__name__}, which has no mount() method")
    return surface


def _announce(ready: Callable[[SurfaceBinding, str], None], binding: SurfaceBinding
              ) -> Callable[[str], None]:
    return lambda url: ready(binding, url)


async def serve_surfaces(runtime: Runtime, bindings: list[SurfaceBinding], *,
                         ready: Callable[[SurfaceBinding, str], None],
                         stop: asyncio.Event) -> None:
    """Serve every binding until ``stop`` is set or one surface fails (then the others stop
    too and the failure is raised)."""
    surfaces = [(b, make_surface(runtime, b)) for b in bindings]

    def announce(binding: SurfaceBinding, url: str) -> None:
        runtime.serving[binding.name] = {"url": url, "host": binding.host,
                                         "auth": binding.bearer_token is not None}
        ready(binding, url)

    tasks = [asyncio.create_task(s.serve(runtime, b, ready=_announce(announce, b), stop=stop),
                                 name=f"surface-{b.name}") for b, s in surfaces]
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        stopper.cancel()
        for b in bindings:
            runtime.serving.pop(b.name, None)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            raise result
