"""The ``langgraph`` surface runs the protocol surface contract suite, submitting through the
official Python SDK."""

from __future__ import annotations

import httpx
from langgraph_sdk import get_client
from stable_harness.testing.contracts import SurfaceContract


class TestLangGraphSurface(SurfaceContract):
    surface = "langgraph"

    async def submit(self, url: str, token: str | None, agent: str, input: str) -> str:
        client = get_client(url=url, api_key=token or "")
        try:
            run = await client.runs.create(None, agent, input=input, on_completion="keep")
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 401:
                raise PermissionError(exc.response.text) from exc
            raise
        return str(run["run_id"])
