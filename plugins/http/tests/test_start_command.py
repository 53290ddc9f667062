"""``stable-harness start`` as a user runs it: a subprocess, killed and started again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from stable_harness.testing.serving import free_port_args

pytestmark = pytest.mark.slow


class Server:
    """``stable-harness start --json`` on free ports; ``urls`` once the native and OpenAI
    surfaces are ready (others installed are served too)."""

    def __init__(self, workspace: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "stable_harness", "-w", str(workspace), "start", "--json",
             *free_port_args(workspace), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.urls: dict[str, str] = {}
        while not {"http", "openaiCompatible"} <= set(self.urls):
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"start exited: {self.proc.stderr.read()}")
            event = json.loads(line)
            if event["event"] == "ready":
                self.urls[event["surface"]] = event["url"]

    def stop(self, sig: int) -> tuple[int, str]:
        self.proc.send_signal(sig)
        out, _ = self.proc.communicate(timeout=30)
        return self.proc.returncode, out


def wait_for_event(c: httpx.Client, run_id: str, event_type: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        events = c.get(f"/runs/{run_id}/trace").json()["events"]
        if any(e["type"] == event_type for e in events):
            return
        time.sleep(0.05)
    raise AssertionError(f"no {event_type}")


def test_sigkill_mid_run_then_restart_resumes_and_keeps_events_readable(workspace):
    first = Server(workspace)
    with httpx.Client(base_url=first.urls["http"], timeout=30) as c:
        run_id = c.post("/requests", json={"input": "x", "agentId": "slow"}).json()["runId"]
        wait_for_event(c, run_id, "harness.tool.started")
        before = c.get(f"/runs/{run_id}/trace").json()["events"]
    first.proc.kill()  # SIGKILL: no clean-up at all
    first.proc.wait(10)
    second = Server(workspace)
    try:
        with httpx.Client(base_url=second.urls["http"], timeout=30) as c:
            run = c.get(f"/runs/{run_id}").json()
            events = c.get(f"/runs/{run_id}/trace").json()["events"]
            assert events[:len(before)] == before  # acknowledged events survived
            types = [e["type"] for e in events]
            if run["status"] == "failed":
                assert run["error"]["message"]
            else:
                assert run["status"] == "running"
                assert "harness.run.resumed" in types
                cancelled = c.post(f"/runs/{run_id}/cancel").json()
                assert cancelled["status"] == "cancelled"
            with c.stream("GET", f"/runs/{run_id}/events") as stream:
                ids = [int(line[4:]) for line in stream.iter_lines()
                       if line.startswith("id: ")]
            assert ids == list(range(1, len(ids) + 1))
    finally:
        code, out = second.stop(signal.SIGTERM)
    assert code == 0
    assert json.loads(out.splitlines()[-1])["event"] == "stopped"


def test_sigterm_leaves_in_flight_runs_for_the_next_start(workspace):
    server = Server(workspace)
    with httpx.Client(base_url=server.urls["http"], timeout=30) as c:
        run_id = c.post("/requests", json={"input": "x", "agentId": "slow"}).json()["runId"]
        wait_for_event(c, run_id, "harness.tool.started")
    code, out = server.stop(signal.SIGTERM)
    assert code == 0
    assert json.loads(out.splitlines()[-1]) == {"event": "stopped", "inFlightRuns": 1}
    again = Server(workspace)
    try:
        with httpx.Client(base_url=again.urls["http"], timeout=30) as c:
            wait_for_event(c, run_id, "harness.run.resumed")
            assert c.get(f"/runs/{run_id}").json()["status"] == "running"
            assert c.post(f"/runs/{run_id}/cancel").json()["status"] == "cancelled"
    finally:
        again.stop(signal.SIGINT)


def run_start(workspace: Path, *args: str, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stable_harness", "-w", str(workspace),
                           "start", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_non_loopback_without_a_token_is_refused(workspace):
    result = run_start(workspace, "--host", "0.0.0.0")
    assert result.returncode == 1
    assert "refusing to serve protocol" in result.stderr
    assert "--api-key" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_is_a_clear_error(workspace):
    (workspace / "runtime.yaml").write_text((workspace / "runtime.yaml").read_text() + """
  protocols:
    openaiCompatible: {config: {maxBodyBytes: 5}}
""")
    result = run_start(workspace, "--json")
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert "maxBodyBytes" in error
    assert "protocols" in error


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_seed_start_line_serves_openai_on_the_bare_port(workspace, tmp_path):
    # the seed's `stable-harness start -w "$PWD" --port 8642 --api-key K`: `-w` after the
    # command, a bare port for the OpenAI-compatible surface, the other keeps its own
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "stable_harness", "start", "-w", str(workspace), "--port",
         str(port), *free_port_args(workspace, but=["openaiCompatible"]), "--api-key", "K",
         "--json"], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        urls = {}
        while not {"http", "openaiCompatible"} <= set(urls):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            event = json.loads(line)
            if event["event"] == "ready":
                urls[event["surface"]] = event["url"]
        assert urls["openaiCompatible"].endswith(f":{port}")
        headers = {"Authorization": "Bearer K"}
        models = httpx.get(urls["openaiCompatible"] + "/v1/models", headers=headers)
        assert models.status_code == 200
        # was: "protocols": {} while two surfaces served
        protocols = httpx.get(urls["http"] + "/inspect", headers=headers).json()["protocols"]
        assert protocols["openaiCompatible"]["port"] == port
        assert protocols["openaiCompatible"]["serving"]
        assert protocols["http"]["serving"]
        assert protocols["http"]["url"] == urls["http"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)


def test_start_reads_the_workspace_dot_env(workspace, tmp_path):
    # the seed: `.env` at the workspace root is read by `start`; shell variables win
    (workspace / ".env").write_text("DOTENV_TOKEN=from-dotenv\n")
    text = (workspace / "runtime.yaml").read_text()
    (workspace / "runtime.yaml").write_text(text + """
  protocols:
    http: {bearerToken: "${env:DOTENV_TOKEN}"}
""")
    server = Server(workspace)
    try:
        url = server.urls["http"]
        assert httpx.get(url + "/inspect").status_code == 401
        ok = httpx.get(url + "/inspect", headers={"Authorization": "Bearer from-dotenv"})
        assert ok.status_code == 200
    finally:
        server.stop(signal.SIGTERM)


def test_start_runs_the_scheduled_memory_jobs(workspace):
    runtime_yaml = workspace / "runtime.yaml"
    text = runtime_yaml.read_text(encoding="utf-8")
    assert "spec:" in text
    runtime_yaml.write_text(text.replace(
        "spec:", "spec:\n  maintenance: {memory: {expireEverySeconds: 1}}", 1),
        encoding="utf-8")
    put = subprocess.run([sys.executable, "-m", "stable_harness", "-w", str(workspace),
                          "memory", "put", "users/u-1", "soon", '{"v": 1}', "--ttl", "0.1"],
                         capture_output=True, text=True, timeout=60)
    assert put.returncode == 0, put.stderr
    server = Server(workspace)
    deadline = time.monotonic() + 20
    report = None
    while time.monotonic() < deadline:
        line = server.proc.stdout.readline()
        event = json.loads(line) if line else {}
        if event.get("event") == "maintenance":
            report = event
            break
    server.stop(signal.SIGTERM)
    assert report == {"event": "maintenance", "memory": "notes", "job": "expire",
                      "removed": 1}
