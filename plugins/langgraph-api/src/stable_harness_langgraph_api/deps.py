"""What routes share: the service and the surface's settings, from the app state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from stable_harness.surfaces import SurfaceBinding

from stable_harness_langgraph_api.crons import Crons
from stable_harness_langgraph_api.service import LangGraphService


@dataclass
class ApiContext:
    """The service an app serves, its crons, its binding, and the event set when the server
    stops."""

    service: LangGraphService
    crons: Crons
    binding: SurfaceBinding
    stopping: asyncio.Event


def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.context
    return context


Api = Annotated[ApiContext, Depends(_context)]
