"""What routes share: the runtime and the surface's settings, from the app state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding


@dataclass
class AppContext:
    """The runtime an app serves, its binding, and the event set when the server stops."""

    runtime: Runtime
    binding: SurfaceBinding
    stopping: asyncio.Event


def _context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


Context = Annotated[AppContext, Depends(_context)]
