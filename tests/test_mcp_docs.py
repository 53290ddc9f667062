"""The examples in docs/mcp.md: the client workspace runs against the real mcp-server-time,
the server configuration validates and plans its mount, and the host snippet is valid JSON
naming a command that exists."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from stable_harness.runtime import Runtime
from stable_harness.surfaces import plan_bindings
from stable_harness.testing.workspace import write_files
from stable_harness.workspace import load_workspace

from .test_backend_docs import examples
from .test_docs import ROOT

pytestmark = pytest.mark.slow


async def test_the_client_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}"
                               f"{os.environ.get('PATH', '')}")  # mcp-server-time
    block = examples("mcp.md")["mcp-client"]
    ws = write_files(tmp_path / "ws", {"ws.yaml": block})
    async with await Runtime.open(ws) as rt:
        run = await rt.run("what time is it in Paris?", agent="clock", timeout=60)
        assert run.status == "completed", run.error
        assert run.output.startswith("Paris: ")
        assert '"timezone": "Europe/Paris"' in run.output
        [entry] = (await rt.store.ledger(run.id)).values()
        assert entry.tool == "time_get_current_time"


def test_the_server_example_mounts_mcp_on_http(tmp_path: Path) -> None:
    block = examples("mcp.md")["mcp-server"]
    client = examples("mcp.md")["mcp-client"]
    ws = load_workspace(write_files(tmp_path / "ws", {"runtime.yaml": block,
                                                      "ws.yaml": client}), environ={})
    [http] = [b for b in plan_bindings(ws) if b.name == "http"]
    [mount] = http.mounts
    assert (mount.name, mount.path) == ("mcp", "/mcp")
    assert mount.config.expose_agents == ["clock"]


def test_the_host_snippet_is_json_with_our_command() -> None:
    text = (ROOT / "docs/mcp.md").read_text(encoding="utf-8")
    [snippet] = re.findall(r"```json\n(.*?)```", text, re.S)
    server = json.loads(snippet)["mcpServers"]["stable-harness"]
    assert server["command"] == "stable-harness"
    assert server["args"][-1] == "mcp"
    assert Path(sys.executable).with_name("stable-harness").exists()
