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
from stable_harness.testing.serving import free_port_args


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
    proc = subprocess.Popen([exe, "-w", str(ws), "start", "--json", *free_port_args(ws)],
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


async def test_a_tool_server_that_cannot_start_is_a_503_that_stores_nothing(tmp_path: Path
                                                                            ) -> None:
    from stable_harness.runtime import Runtime
    from stable_harness.surfaces import SurfaceBinding
    from stable_harness.testing.workspace import write_files
    from stable_harness_http.config import NativeConfig
    from stable_harness_http.native.app import build_native_app

    broken = {"transport": "stdio", "command": sys.executable,
              "args": ["-c", "import sys; sys.stderr.write('no licence\\n'); sys.exit(5)"]}
    docs = [{"kind": "Runtime", "metadata": {"name": "t"}, "spec": {"eventSinks": []}},
            {"kind": "McpServer", "metadata": {"name": "broken"}, "spec": broken},
            {"kind": "Agent", "metadata": {"name": "user"},
             "spec": {"backend": "python", "entrypoint": "agent:run",
                      "mcpServers": ["broken"]}}]
    ws = write_files(tmp_path / "ws", {
        "ws.yaml": "\n---\n".join(json.dumps({"apiVersion": "stable-harness.dev/v1", **d})
                                    for d in docs),
        "agent.py": "async def run(ctx):\n    return 'never'\n"})
    async with await Runtime.open(ws) as rt:
        app = build_native_app(rt, SurfaceBinding("http", "127.0.0.1", 0, None,
                                                  NativeConfig()))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://testserver") as client:
            r = await client.post("/requests", json={
                "input": None, "agentId": "user",
                "toolCall": {"name": "anything", "arguments": {}}})
            assert r.status_code == 503, r.text
            error = r.json()["error"]
            assert error["code"] == "unavailable"
            assert "exit code 5" in error["message"]
            assert "no licence" in error["message"]
            assert (await client.get("/requests")).json()["requests"] == []
