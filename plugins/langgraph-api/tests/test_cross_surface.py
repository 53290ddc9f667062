"""One runtime under every door: a run a LangGraph client starts is a stable-harness run, seen
with its events through the native API and the CLI and cancelled from them; a run the native
API starts on a thread is seen and cancelled by the LangGraph client."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_client
from stable_harness.surfaces import SurfaceBinding
from stable_harness.testing.serving import ServedRuntime
from stable_harness_http.config import NativeConfig
from stable_harness_langgraph_api.config import LangGraphConfig

pytestmark = pytest.mark.slow


@pytest.fixture
def both(workspace: Path):
    bindings = [SurfaceBinding("http", "127.0.0.1", 0, None, NativeConfig()),
                SurfaceBinding("langgraph", "127.0.0.1", 0, None, LangGraphConfig())]
    with ServedRuntime(workspace, bindings) as server:
        yield server


def cli(workspace: Path, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "stable_harness", *args, "-w", str(workspace),
                          "--json"], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


async def test_a_langgraph_run_is_a_native_run(both: ServedRuntime, workspace: Path) -> None:
    client = get_client(url=both.urls["langgraph"])
    tid = (await client.threads.create())["thread_id"]
    started = await client.runs.create(tid, "one", input={"messages": [
        {"role": "user", "content": "x"}]}, stream_mode=["values"])
    await client.runs.join(tid, started["run_id"])
    run_id = (await client.runs.list(tid))[0]["run_id"]
    assert run_id == started["run_id"]
    native = httpx.get(f"{both.urls['http']}/runs/{run_id}").json()
    assert native["sessionId"] == tid
    assert native["status"] == "completed"
    assert native["agent"] == "one"
    assert native["upstream"]["streamMode"] == ["values"]
    trace = httpx.get(f"{both.urls['http']}/runs/{run_id}/trace").json()
    types = [e["type"] for e in trace["events"]]
    assert types[0] == "harness.run.queued"
    assert "harness.upstream.chunk" in types
    assert types[-1] == "harness.run.completed"
    shown = cli(workspace, "inspect", "run", run_id)
    assert shown["run"]["runId"] == run_id
    assert shown["run"]["status"] == "completed"

    slow = await client.runs.create(tid, "slow", input={"messages": [
        {"role": "user", "content": "z"}]})
    await _until(client, tid, slow["run_id"], "running")
    cancelled = cli(workspace, "cancel", slow["run_id"])
    assert cancelled["status"] == "cancelled"
    assert (await client.runs.get(tid, slow["run_id"]))["status"] == "interrupted"


async def test_a_native_run_is_a_langgraph_run(both: ServedRuntime) -> None:
    client = get_client(url=both.urls["langgraph"])
    started = httpx.post(f"{both.urls['http']}/requests",
                         json={"agentId": "slow", "sessionId": "native-thread",
                               "input": "hello"}).json()
    run_id = started["runId"]
    await _until(client, "native-thread", run_id, "running")
    thread = await client.threads.get("native-thread")
    assert thread["status"] == "busy"
    assert [r["run_id"] for r in await client.runs.list("native-thread")] == [run_id]
    await client.runs.cancel("native-thread", run_id, wait=True)
    native = httpx.get(f"{both.urls['http']}/runs/{run_id}").json()
    assert native["status"] == "cancelled"


async def _until(client, thread_id: str, run_id: str, status: str) -> None:
    for _ in range(400):
        if (await client.runs.get(thread_id, run_id))["status"] == status:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"run {run_id} never became {status}")
