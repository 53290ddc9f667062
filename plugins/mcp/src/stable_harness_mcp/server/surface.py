"""The ``mcp`` surface: streamable HTTP mounted at ``/mcp`` on the native HTTP surface, behind
its bearer token and body limit (a mounted surface; see ``SurfaceRecord.mounted_on``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from stable_harness_mcp.server.config import McpServeConfig

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime


class McpSurface:
    """``factory(config)`` of the ``mcp`` surface."""

    def __init__(self, config: McpServeConfig) -> None:
        self.config = config

    @contextlib.asynccontextmanager
    async def mount(self, runtime: Runtime) -> AsyncIterator[Any]:
        """The ASGI app to mount, while its session manager runs."""
        from stable_harness_mcp.server.app import build_server

        server = build_server(runtime, self.config.expose_agents,
                              elicit=self.config.elicitation)
        # the host mounts us at /mcp: the SDK's app serves its one route at the mount's root
        app = server.streamable_http_app(streamable_http_path="/")
        async with server.session_manager.run():
            yield app
