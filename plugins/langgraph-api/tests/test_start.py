"""``stable-harness start`` serves the ``langgraph`` surface by default, with the same bearer
token as the others; a taken port is a clear error naming the surface and the way out."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_sync_client
from stable_harness.testing.serving import free_port_args

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_start_serves_the_langgraph_api_with_the_token(workspace: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "stable_harness", "-w", str(workspace), "start", "--json",
         *free_port_args(workspace, but=["langgraph"]), "--port", f"langgraph={port}",
         "--api-key", "K-0123456789"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = None
        while url is None:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            event = json.loads(line)
            if event.get("event") == "ready" and event["surface"] == "langgraph":
                url = event["url"]
        assert url == f"http://127.0.0.1:{port}"
        assert httpx.post(f"{url}/threads", json={}).status_code == 401
        client = get_sync_client(url=url, headers={"Authorization": "Bearer K-0123456789"})
        tid = client.threads.create()["thread_id"]
        out = client.runs.wait(tid, "one", input={"messages": [{"role": "user",
                                                                "content": "hi"}]})
        assert out["messages"][-1]["content"] == "ok: hi"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def test_a_taken_port_names_the_surface_and_the_fix(workspace: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "stable_harness", "-w", str(workspace), "start", "--json",
             *free_port_args(workspace, but=["langgraph"]), "--port", f"langgraph={port}"],
            capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    error = json.loads(done.stdout[done.stdout.rfind("{\n"):])["error"]  # the last document
    assert f"langgraph: cannot listen on http://127.0.0.1:{port}" in error
    assert "--port langgraph=N" in error
    assert "spec.protocols.langgraph.port" in error
    assert "Traceback" not in done.stderr
