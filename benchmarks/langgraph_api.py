"""The LangGraph API served by the runtime against ``langgraph dev``, through the official
``langgraph-sdk`` client, each client in a process of its own.

Subjects: ``stable-harness start`` serving only the ``langgraph`` surface, once with the
durable default (SQLite ``synchronous=FULL``: every acknowledged run survives power loss) and
once with ``synchronous=NORMAL`` (survives process crashes); ``langgraph dev``
(``langgraph-cli[inmem]``, in ``.bench/langgraph-dev``, installed with uv on first use and
given this repository's ``stable-harness-core`` for the scripted model) serving the same
graphs, in memory. Graphs: ``one`` (one node that answers the last message) and ``agent``
(LangChain's ``create_agent`` with the scripted model calling ``echo_tool`` once, the
scaffold's ``assistant``; ours runs the tool through the gateway and its ledger).

Each client worker creates a thread, then calls ``client.runs.wait(thread, graph, ...)`` in
a loop (the thread's state grows as a chat's does); runs/s over all workers at 1 and 50
workers, median latency, and, at 1 worker, the time from ``client.runs.stream`` to its first
graph event (after ``metadata``). Every round measures every subject once, one after the
other; ratios are per round, reported as min / median / max over rounds.

    python benchmarks/langgraph_api.py [--requests N] [--rounds R] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from http_serving import _langgraph_dev_venv, _stop, _wait_ok, spread

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CLIENTS = (1, 50)
GRAPHS = ("one", "agent")

GRAPH_FILE = '''
from langchain.agents import create_agent
from langchain_core.messages import AIMessage
from langchain_core.tools import tool
from langgraph.graph import START, MessagesState, StateGraph
from stable_harness.builtin.config import ScriptedModelConfig
from stable_harness.builtin.scripted_model import ScriptedChatModel


def reply(state: MessagesState) -> dict:
    return {"messages": [AIMessage(f"You said: {state['messages'][-1].content}")]}


builder = StateGraph(MessagesState)
builder.add_node("reply", reply)
builder.add_edge(START, "reply")
one = builder.compile()


@tool
def echo_tool(value: str) -> str:
    """Return the given value unchanged."""
    return value


SCRIPT = {"turns": [{"toolCalls": [{"name": "echo_tool", "args": {"value": "{{ input }}"}}]},
                    {"text": "echo_tool said: {{ last_tool_result }}"}]}
agent = create_agent(ScriptedChatModel(ScriptedModelConfig.model_validate(SCRIPT)),
                     [echo_tool], system_prompt="Use echo_tool to repeat what the user says.")
'''

WORKSPACE = """
apiVersion: stable-harness.dev/v1
kind: Runtime
metadata: {name: bench}
spec:
  eventSinks: []
  store: {use: sqlite, config: {path: .stable-harness/runtime.db, synchronous: SYNC}}
  runs: {busySession: enqueue}
  protocols:
    http: {enabled: false}
    openaiCompatible: {enabled: false}
    langgraph: {port: 0}
---
apiVersion: stable-harness.dev/v1
kind: Model
metadata: {name: echo}
spec:
  provider: scripted
  config:
    turns:
      - toolCalls: [{name: echo_tool, args: {value: "{{ input }}"}}]
      - text: "echo_tool said: {{ last_tool_result }}"
---
apiVersion: stable-harness.dev/v1
kind: Tool
metadata: {name: echo_tool}
spec:
  entrypoint: graphs:echo_tool
  description: Return the given value unchanged.
  parameters: {type: object, properties: {value: {type: string}}, required: [value]}
  tags: [read-only, idempotent]
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: agent}
spec:
  backend: langgraph
  model: echo
  tools: [echo_tool]
  systemPrompt: Use echo_tool to repeat what the user says.
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: one}
spec: {backend: langgraph, graph: "graphs:builder"}
"""

TOOLS = '''
def echo_tool(value: str) -> str:
    return value
'''


# -- the client process ---------------------------------------------------------------------

def _expected(graph: str, text: str) -> str:
    return f"You said: {text}" if graph == "one" else f"echo_tool said: {text}"


async def client_process(url: str, graph: str, requests: int, clients: int
                         ) -> dict[str, float]:
    from langgraph_sdk import get_client

    client = get_client(url=url, timeout=120)
    latencies: list[float] = []
    counter = iter(range(requests))

    async def call(thread: str, i: int) -> None:
        text = f"hi {i}"
        out = await client.runs.wait(thread, graph, input={
            "messages": [{"role": "user", "content": text}]})
        answer = out["messages"][-1]["content"] if isinstance(out, dict) and \
            "messages" in out else out
        if answer != _expected(graph, text):
            raise SystemExit(f"unexpected answer from {url}: {str(out)[:400]}")

    async def worker() -> None:
        thread = (await client.threads.create())["thread_id"]
        for i in counter:
            t0 = time.perf_counter()
            await call(thread, i)
            latencies.append((time.perf_counter() - t0) * 1000)

    warm = (await client.threads.create())["thread_id"]
    for i in range(5):
        await call(warm, -1 - i)
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    rate = requests / (time.perf_counter() - t0)
    first: list[float] = []
    if clients == 1:
        for i in range(10):
            thread = (await client.threads.create())["thread_id"]
            t0 = time.perf_counter()
            async for part in client.runs.stream(thread, graph, input={
                    "messages": [{"role": "user", "content": f"first {i}"}]},
                    stream_mode="values"):
                if part.event != "metadata":
                    first.append((time.perf_counter() - t0) * 1000)
                    break
    return {"rate": rate, "ms": statistics.median(latencies),
            "first_ms": statistics.median(first) if first else 0.0}


# -- the orchestrating process ----------------------------------------------------------------

def _measure(url: str, graph: str, requests: int, clients: int) -> dict[str, float]:
    out = subprocess.run([PY, __file__, "--client", url, graph, str(requests), str(clients)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"client of {url} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _serve_ours(folder: Path) -> tuple[subprocess.Popen[str], str]:
    exe = Path(PY).with_name("stable-harness")
    proc = subprocess.Popen([str(exe), "start", "--json"], cwd=folder, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("stable-harness start exited before serving")
        said = json.loads(line)
        if said.get("event") == "ready" and said.get("surface") == "langgraph":
            return proc, said["url"].rstrip("/")


def _with_core(exe: Path) -> Path:
    """``langgraph dev``'s venv with this repository's core (the scripted model) and the
    LangChain this repository locks (``create_agent``)."""
    import importlib.metadata as md

    python = exe.with_name("python")
    if subprocess.run([str(python), "-c", "import stable_harness, langchain.agents"],
                      capture_output=True).returncode == 0:
        return exe
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is needed to add stable-harness-core to langgraph dev's venv")
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python),
                    str(ROOT / "core"), f"langchain=={md.version('langchain')}"], check=True,
                   env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    return exe


def _serve_langgraph_dev(folder: Path, exe: Path) -> tuple[subprocess.Popen[str], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (folder / "langgraph.json").write_text(json.dumps(
        {"graphs": {g: f"./graphs.py:{g}" for g in GRAPHS}, "dependencies": ["."]}),
        encoding="utf-8")
    proc = subprocess.Popen([str(exe), "dev", "--no-browser", "--no-reload", "--port",
                             str(port), "--config", "langgraph.json"], cwd=folder, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True,
                            env={**os.environ, "LANGSMITH_TRACING": "false",
                                 "LANGGRAPH_CLI_NO_ANALYTICS": "1"})
    url = f"http://127.0.0.1:{port}"
    _wait_ok(f"{url}/ok", proc)
    return proc, url


def orchestrate(requests: int, rounds: int) -> str:
    lg_exe = _with_core(_langgraph_dev_venv())
    with tempfile.TemporaryDirectory() as tmp:
        folders = {name: Path(tmp, name) for name in ("full", "normal", "lgdev")}
        for name, folder in folders.items():
            folder.mkdir()
            (folder / "graphs.py").write_text(
                (GRAPH_FILE if name == "lgdev" else GRAPH_FILE + TOOLS).lstrip(),
                encoding="utf-8")
            if name != "lgdev":
                sync = "FULL" if name == "full" else "NORMAL"
                (folder / "ws.yaml").write_text(
                    textwrap.dedent(WORKSPACE).lstrip().replace("SYNC", sync),
                    encoding="utf-8")
        servers: dict[str, tuple[subprocess.Popen[str], str]] = {
            "full": _serve_ours(folders["full"]), "normal": _serve_ours(folders["normal"]),
            "lgdev": _serve_langgraph_dev(folders["lgdev"], lg_exe)}
        samples: dict[str, list[dict[str, float]]] = {}
        try:
            for r in range(rounds):
                for graph in GRAPHS:
                    for n in CLIENTS:
                        total = requests if n > 1 else max(50, requests // 5)
                        for subject, (_, url) in servers.items():
                            samples.setdefault(f"{subject}-{graph}-{n}", []).append(
                                _measure(url, graph, total, n))
                print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
        finally:
            for proc, _ in servers.values():
                _stop(proc)

    def ratio(a: str, b: str, key: str = "rate") -> list[float]:
        return [x[key] / y[key] for x, y in zip(samples[a], samples[b], strict=True)]

    def col(name: str, key: str, fmt: str = "{:.0f}") -> str:
        return spread([s[key] for s in samples[name]], fmt)

    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()} ({os.cpu_count()} "
        f"cores, load {os.getloadavg()[0]:.2f}), Python {platform.python_version()}: "
        f"{rounds} rounds, {requests} runs per subject at 50 clients "
        f"({max(50, requests // 5)} at 1), `langgraph-sdk` clients in their own process; "
        "min / median / max over rounds.\n",
        "| graph | clients | ours, durable (runs/s) | ours, NORMAL | `langgraph dev` | "
        "durable ÷ dev | NORMAL ÷ dev | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for graph in GRAPHS:
        for n in CLIENTS:
            key = f"{graph}-{n}"
            target = "durable ÷ dev > 1" if n == 50 else ""
            lines.append(
                f"| `{graph}` | {n} | {col(f'full-{key}', 'rate')} | "
                f"{col(f'normal-{key}', 'rate')} | {col(f'lgdev-{key}', 'rate')} | "
                f"{spread(ratio(f'full-{key}', f'lgdev-{key}'))} | "
                f"{spread(ratio(f'normal-{key}', f'lgdev-{key}'))} | {target} |")
    lines += ["", "| median latency, ms | clients | ours, durable | ours, NORMAL | "
              "`langgraph dev` |", "|---|---:|---:|---:|---:|"]
    for graph in GRAPHS:
        for n in CLIENTS:
            key = f"{graph}-{n}"
            lines.append(f"| `runs.wait` on `{graph}` | {n} | "
                         f"{col(f'full-{key}', 'ms', '{:.1f}')} | "
                         f"{col(f'normal-{key}', 'ms', '{:.1f}')} | "
                         f"{col(f'lgdev-{key}', 'ms', '{:.1f}')} |")
    for graph in GRAPHS:
        key = f"{graph}-1"
        lines.append(f"| `runs.stream` on `{graph}`: first event after `metadata` | 1 | "
                     f"{col(f'full-{key}', 'first_ms', '{:.1f}')} | "
                     f"{col(f'normal-{key}', 'first_ms', '{:.1f}')} | "
                     f"{col(f'lgdev-{key}', 'first_ms', '{:.1f}')} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        url, graph, requests, clients = sys.argv[2:6]
        print(json.dumps(asyncio.run(client_process(url, graph, int(requests),
                                                    int(clients)))))
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500,
                        help="Runs per subject and graph at 50 clients (a fifth at 1).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Print, do not update docs.")
    args = parser.parse_args()
    table = orchestrate(args.requests, max(1, args.rounds))
    print(table)
    if not args.no_write:
        from _docs import write_section

        write_section("langgraph_api", table)


if __name__ == "__main__":
    main()
