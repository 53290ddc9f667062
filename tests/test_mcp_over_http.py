"""The runtime over MCP's streamable HTTP at ``/mcp`` on the native HTTP surface, driven by
the official ``mcp`` client: the same tools as over stdio, behind the surface's bearer token
(401 without it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest


def _plugin_tests() -> object:
    """The MCP plugin's server tests module (its workspace), loaded from its file."""
    import importlib.util

    path = Path(__file__).parents[1] / "plugins/mcp/tests/test_server.py"
    spec = importlib.util.spec_from_file_location("mcp_plugin_test_server", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


served_workspace = _plugin_tests().served_workspace  # type: ignore[attr-defined]

pytestmark = pytest.mark.slow
TOKEN = "mcp-test-token-42"


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = served_workspace(tmp_path / "ws")
    exe = str(Path(sys.executable).with_name("stable-harness"))
    proc = subprocess.Popen([exe, "-w", str(ws), "start", "--json", "--port", "http=0",
                             "--port", "openaiCompatible=0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "STABLE_HARNESS_API_KEY": TOKEN})
    urls: dict[str, str] = {}
    assert proc.stdout is not None
    while "http" not in urls:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"start exited: {proc.stderr.read() if proc.stderr else ''}")
        said = json.loads(line)
        if said.get("event") == "ready":
            urls[said["surface"]] = said["url"]
    yield urls["http"]
    proc.terminate()
    proc.wait(30)


def client(url: str, token: str | None):  # type: ignore[no-untyped-def]
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    headers = {"Authorization": f"Bearer {token}"} if token else None
    return Client(streamable_http_client(f"{url}/mcp",
                                         http_client=create_mcp_http_client(headers=headers)))


async def test_mcp_at_slash_mcp_with_the_bearer_token(served: str) -> None:
    seen: list[str | None] = []

    async def progress(done: float, total: float | None, message: str | None) -> None:
        seen.append(message)

    async with client(served, TOKEN) as mcp:
        names = {t.name for t in (await mcp.list_tools()).tools}
        assert {"echo", "harness.run.start", "approvals.decide"} <= names
        result = await mcp.call_tool("echo", {"input": "over http"},
                                     progress_callback=progress)
        assert not result.is_error
        assert result.structured_content["output"] == "echo: over http"
        assert "calling note" in seen
        run_id = result.structured_content["runId"]
    # the run is the same runtime's: the native API sees it
    r = httpx.get(f"{served}/runs/{run_id}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    assert r.json()["status"] == "completed"


def test_mcp_without_the_token_is_401(served: str) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        r = httpx.post(f"{served}/mcp", json=body, headers={
            **headers, "Accept": "application/json, text/event-stream"})
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"
