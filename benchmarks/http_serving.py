"""Serving over HTTP with the client in another process: the native API and the
OpenAI-compatible API against the in-process SDK, and the same one-node LangGraph graph against
``langgraph dev``.

Every subject is a separate process from its client: ``stable-harness start`` serves a
workspace (SQLite store), ``langgraph dev`` (``langgraph-cli[inmem]``, installed by this script
into ``.bench/langgraph-dev`` with uv, pinned to the LangGraph this repository locks) serves the
same graph file, and a client process (``httpx.AsyncClient``, keep-alive) drives each with 1 and
with 50 concurrent clients. The SDK baseline is a process of its own that opens the same
workspace with ``Runtime.open`` and awaits ``Runtime.run`` from 1 or 50 concurrent tasks. Each
round measures every subject once, one after the other, so baselines and subjects share the
machine's state; ratios are taken per round and reported as min / median / max over rounds.

Requests: the native API ``POST /requests?wait=terminal`` (a stored, durable run: answered once
it is terminal) and ``langgraph dev``'s ``POST /runs/wait`` (a stateless run, in memory) run the
graph ``one_node:graph`` (one node that answers the last message); ``/v1/chat/completions``
(non-streaming) runs a one-step scripted-model ``langgraph`` agent, beside the SDK running that
agent.

    python benchmarks/http_serving.py [--requests N] [--rounds R] [--no-langgraph-dev]
                                      [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CLIENTS = (1, 50)

GRAPH = '''
from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph


def reply(state: MessagesState) -> dict:
    return {"messages": [AIMessage(f"You said: {state['messages'][-1].content}")]}


builder = StateGraph(MessagesState)
builder.add_node("reply", reply)
builder.add_edge(START, "reply")
graph = builder.compile()
'''

WORKSPACE = """
apiVersion: stable-harness.dev/v1
kind: Runtime
metadata: {name: bench}
spec:
  eventSinks: []
  runs: {busySession: enqueue}
  protocols:
    http: {port: 0}
    openaiCompatible: {port: 0}
    langgraph: {enabled: false}   # benchmarks/langgraph_api.py measures that one
---
apiVersion: stable-harness.dev/v1
kind: Model
metadata: {name: default}
spec:
  provider: scripted
  config: {turns: [{text: "You said: {{ input }}"}]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: agent}
spec: {backend: langgraph, model: default}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: graph}
spec: {backend: langgraph, graph: "one_node:builder"}
"""


# -- the client and SDK processes ---------------------------------------------------------

def _state(i: int) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": f"hi {i}"}]}


async def _drive(call: Any, requests: int, clients: int) -> dict[str, float]:
    """``requests`` calls from ``clients`` concurrent workers (after 10 warm-up calls)."""
    import asyncio

    for i in range(10):
        await call(-1 - i)
    counter = iter(range(requests))
    latencies: list[float] = []

    async def worker() -> None:
        for i in counter:
            t0 = time.perf_counter()
            await call(i)
            latencies.append((time.perf_counter() - t0) * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return {"rate": requests / (time.perf_counter() - t0),
            "ms": statistics.median(latencies)}


async def client_process(kind: str, url: str, requests: int, clients: int) -> dict[str, float]:
    import httpx

    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        async def native(i: int) -> None:
            r = await client.post("/requests", params={"wait": "terminal"},
                                  json={"agentId": "graph", "input": _state(i)})
            body = r.json()
            if r.status_code != 200 or body["status"] != "completed":
                raise SystemExit(f"native request failed: {r.status_code} {body}")

        async def openai(i: int) -> None:
            r = await client.post("/v1/chat/completions", json={
                "model": "agent", "messages": [{"role": "user", "content": f"hi {i}"}]})
            text = r.json()["choices"][0]["message"]["content"]
            if text != f"You said: user: hi {i}":
                raise SystemExit(f"unexpected answer {text!r}")

        async def langgraph_dev(i: int) -> None:
            r = await client.post("/runs/wait", json={"assistant_id": "agent",
                                                       "input": _state(i)})
            text = r.json()["messages"][-1]["content"]
            if text != f"You said: hi {i}":
                raise SystemExit(f"unexpected answer {text!r}")

        call = {"native": native, "openai": openai, "langgraph-dev": langgraph_dev}[kind]
        return await _drive(call, requests, clients)


async def sdk_process(workspace: str, agent: str, requests: int, clients: int
                      ) -> dict[str, float]:
    from stable_harness.runtime import Runtime

    runtime = await Runtime.open(workspace)
    try:
        async def call(i: int) -> None:
            if agent == "graph":
                run = await runtime.run(_state(i), agent="graph", until="terminal")
            else:
                run = await runtime.run(f"user: hi {i}", agent="agent", until="terminal",
                                        metadata={"protocol": "openai-compatible"})
            if run.status.value != "completed":
                raise SystemExit(f"SDK run failed: {run.status.value}")

        return await _drive(call, requests, clients)
    finally:
        await runtime.close()


# -- the orchestrating process ------------------------------------------------------------

def _measure(args: list[str]) -> dict[str, float]:
    out = subprocess.run([PY, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _wait_ok(url: str, proc: subprocess.Popen[str], seconds: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def _serve_ours(folder: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    exe = Path(PY).with_name("stable-harness")
    proc = subprocess.Popen([str(exe), "start", "--json"], cwd=folder, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    urls: dict[str, str] = {}
    assert proc.stdout is not None
    while len(urls) < 2:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("stable-harness start exited before serving")
        said = json.loads(line)
        if said.get("event") == "ready":
            urls[said["surface"]] = said["url"].rstrip("/")
    return proc, urls


def _langgraph_dev_venv() -> Path:
    """A venv with ``langgraph-cli[inmem]`` and this repository's LangGraph versions."""
    import importlib.metadata as md

    venv = ROOT / ".bench/langgraph-dev"
    exe = venv / "bin/langgraph"
    if exe.exists():
        return exe
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is needed to install langgraph-cli[inmem] (or pass "
                         "--no-langgraph-dev)")
    pins = [f"{name}=={md.version(name)}" for name in
            ("langgraph", "langgraph-checkpoint", "langchain-core")]
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run([uv, "venv", "--quiet", "--python", PY, str(venv)], check=True, env=env)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(venv / "bin/python"),
                    "langgraph-cli[inmem]==0.4.40", *pins], check=True, env=env)
    return exe


def _serve_langgraph_dev(folder: Path, exe: Path) -> tuple[subprocess.Popen[str], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (folder / "langgraph.json").write_text(json.dumps(
        {"graphs": {"agent": "./one_node.py:graph"}, "dependencies": ["."]}), encoding="utf-8")
    proc = subprocess.Popen([str(exe), "dev", "--no-browser", "--no-reload", "--port",
                             str(port), "--config", "langgraph.json"], cwd=folder, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    _wait_ok(f"{url}/ok", proc)
    return proc, url


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        # langgraph dev runs its server in a child process: signal the whole group.
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def spread(xs: list[float], fmt: str = "{:.2f}") -> str:
    return " / ".join(fmt.format(x) for x in (min(xs), statistics.median(xs), max(xs)))


def orchestrate(requests: int, rounds: int, with_langgraph_dev: bool) -> str:
    lg_exe = _langgraph_dev_venv() if with_langgraph_dev else None
    with tempfile.TemporaryDirectory() as tmp:
        ours, sdk_ws, lg_dir = Path(tmp, "served"), Path(tmp, "sdk"), Path(tmp, "lgdev")
        for folder in (ours, sdk_ws, lg_dir):
            folder.mkdir()
            (folder / "one_node.py").write_text(GRAPH.lstrip(), encoding="utf-8")
        for folder in (ours, sdk_ws):
            (folder / "ws.yaml").write_text(textwrap.dedent(WORKSPACE).lstrip(),
                                            encoding="utf-8")
        server, urls = _serve_ours(ours)
        lg_server, lg_url = _serve_langgraph_dev(lg_dir, lg_exe) if lg_exe else (None, "")
        samples: dict[str, list[dict[str, float]]] = {}
        try:
            for r in range(rounds):
                for n in CLIENTS:
                    plan = {
                        f"sdk-graph-{n}": ["--sdk", str(sdk_ws), "graph"],
                        f"native-{n}": ["--client", "native", urls["http"]],
                        f"sdk-agent-{n}": ["--sdk", str(sdk_ws), "agent"],
                        f"openai-{n}": ["--client", "openai", urls["openaiCompatible"]],
                    }
                    if lg_server is not None:
                        plan[f"langgraph-dev-{n}"] = ["--client", "langgraph-dev", lg_url]
                    for name, args in plan.items():
                        total = requests if n > 1 or not name.startswith("langgraph") \
                            else max(20, requests // 10)  # 0.5 s idle polls: see the docs
                        samples.setdefault(name, []).append(
                            _measure([*args, str(total), str(n)]))
                print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
        finally:
            _stop(server)
            if lg_server is not None:
                _stop(lg_server)

    def ratio(a: str, b: str, key: str = "rate") -> list[float]:
        return [x[key] / y[key] for x, y in zip(samples[a], samples[b], strict=True)]

    def rate(name: str) -> str:
        return spread([s["rate"] for s in samples[name]], "{:.0f}")

    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()} ({os.cpu_count()} "
        f"cores, load {os.getloadavg()[0]:.2f}), Python {platform.python_version()}: "
        f"{rounds} rounds, {requests} requests per subject and client count (langgraph dev at "
        f"1 client: {max(20, requests // 10)}), each client in its own process; "
        "min / median / max over rounds.\n",
        "| subject ÷ baseline | clients | subject runs/s | baseline runs/s | ratio | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for n in CLIENTS:
        target = "≥ 0.8" if n == 50 else ""
        lines.append(f"| native `POST /requests?wait=terminal` ÷ SDK `Runtime.run` (one-node "
                     f"graph) | {n} | {rate(f'native-{n}')} | {rate(f'sdk-graph-{n}')} | "
                     f"{spread(ratio(f'native-{n}', f'sdk-graph-{n}'))} | {target} |")
    for n in CLIENTS:
        lines.append(f"| `/v1/chat/completions` ÷ SDK (scripted-model agent) | {n} | "
                     f"{rate(f'openai-{n}')} | {rate(f'sdk-agent-{n}')} | "
                     f"{spread(ratio(f'openai-{n}', f'sdk-agent-{n}'))} | |")
    if with_langgraph_dev:
        for n in CLIENTS:
            target = "≥ 2" if n == 50 else ""
            lines.append(f"| native `POST /requests?wait=terminal` ÷ `langgraph dev` "
                         f"`POST /runs/wait` (same graph) | {n} | {rate(f'native-{n}')} | "
                         f"{rate(f'langgraph-dev-{n}')} | "
                         f"{spread(ratio(f'native-{n}', f'langgraph-dev-{n}'))} | {target} |")
    added = [o["ms"] - s["ms"] for o, s in zip(samples["openai-1"], samples["sdk-agent-1"],
                                                strict=True)]
    lines += [
        "",
        "| latency, 1 client (median ms per request) | min / median / max over rounds |",
        "|---|---:|",
        f"| SDK `Runtime.run`, scripted-model agent | "
        f"{spread([s['ms'] for s in samples['sdk-agent-1']])} |",
        f"| `/v1/chat/completions`, same agent | "
        f"{spread([s['ms'] for s in samples['openai-1']])} |",
        f"| added by the OpenAI-compatible surface (target < 3 ms) | {spread(added)} |",
        f"| native `POST /requests?wait=terminal`, one-node graph | "
        f"{spread([s['ms'] for s in samples['native-1']])} |",
        f"| SDK, one-node graph | {spread([s['ms'] for s in samples['sdk-graph-1']])} |",
    ]
    if with_langgraph_dev:
        lines.append(f"| `langgraph dev` `POST /runs/wait`, one-node graph | "
                     f"{spread([s['ms'] for s in samples['langgraph-dev-1']])} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    import asyncio

    if len(sys.argv) > 1 and sys.argv[1] in ("--client", "--sdk"):
        role, a, b, requests, clients = sys.argv[1:6]
        coro = (client_process(a, b, int(requests), int(clients)) if role == "--client"
                else sdk_process(a, b, int(requests), int(clients)))
        print(json.dumps(asyncio.run(coro)))
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500,
                        help="Requests per subject, client count and round.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-langgraph-dev", action="store_true",
                        help="Skip the langgraph dev comparison (it installs "
                             "langgraph-cli[inmem] with uv on first use).")
    parser.add_argument("--no-write", action="store_true", help="Print, do not update docs.")
    args = parser.parse_args()
    table = orchestrate(args.requests, max(1, args.rounds), not args.no_langgraph_dev)
    print(table)
    if not args.no_write:
        sys.path.insert(0, str(Path(__file__).parent))
        from _docs import write_section

        write_section("http_serving", table)


if __name__ == "__main__":
    main()
