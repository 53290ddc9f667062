"""Both surfaces of the HTTP plugin run the protocol surface contract suite."""

from __future__ import annotations

import httpx
import openai
from stable_harness.testing.contracts import SurfaceContract


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


class TestNativeSurface(SurfaceContract):
    surface = "http"

    async def submit(self, url: str, token: str | None, agent: str, input: str) -> str:
        async with httpx.AsyncClient(base_url=url, headers=_auth(token)) as client:
            response = await client.post("/requests", json={"agentId": agent, "input": input})
        if response.status_code == 401:
            raise PermissionError(response.json()["error"]["message"])
        response.raise_for_status()
        return str(response.json()["runId"])


class TestOpenAICompatibleSurface(SurfaceContract):
    surface = "openaiCompatible"

    async def submit(self, url: str, token: str | None, agent: str, input: str) -> str:
        client = openai.AsyncOpenAI(base_url=f"{url}/v1", api_key=token or "none",
                                    max_retries=0)
        try:
            response = await client.chat.completions.with_raw_response.create(
                model=agent, messages=[{"role": "user", "content": input}])
        except openai.AuthenticationError as exc:
            raise PermissionError(str(exc)) from exc
        finally:
            await client.close()
        return response.headers["X-Stable-Harness-Run"]
