"""``POST /v1/chat/completions`` (non-streaming) vs the same request through the in-process
SDK, on the same runtime.

Workspace: one ``backend: langgraph`` agent on the scripted model, answering in one step (no
tool call), SQLite store. Baseline: ``Runtime.start`` + follow its events until it settles
(what the facade does internally). Through HTTP: the OpenAI-compatible surface served by
uvicorn on a loopback port, called with an ``httpx.AsyncClient`` (keep-alive) in the same
process. The two are interleaved one request at a time for the latency figures (median and
p99 added ms per request; target: median under 3 ms), then each runs alone with 1 and with 32
concurrent clients for requests per second.

    python benchmarks/http_openai.py [--requests N] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import textwrap
import time
from pathlib import Path

WORKSPACE = """
apiVersion: stable-harness.dev/v1
kind: Runtime
metadata: {name: bench}
spec: {eventSinks: [], runs: {busySession: enqueue}}
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
"""


async def sdk_call(runtime, i: int) -> str:
    from stable_harness.runs import RunRequest

    run = await runtime.start(RunRequest(f"user: hi {i}", "agent", None,
                                         {"protocol": "openai-compatible"}))
    text = [e.payload["text"] async for e in runtime.events(run.id, until="settled")
            if e.type == "harness.output.delta"]
    return "".join(text)


async def http_call(client, i: int) -> str:
    r = await client.post("/v1/chat/completions", json={
        "model": "agent", "messages": [{"role": "user", "content": f"hi {i}"}]})
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]


async def throughput(call, target, total: int, clients: int) -> float:
    counter = iter(range(total))

    async def worker() -> None:
        for i in counter:
            await call(target, i)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return total / (time.perf_counter() - t0)


async def main_async(requests: int) -> str:
    import httpx
    from stable_harness.runtime import Runtime
    from stable_harness.surfaces import serve_surfaces
    from stable_harness.surfaces.bindings import Overrides, load_for_serving, plan_bindings

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        (root / "ws.yaml").write_text(textwrap.dedent(WORKSPACE).lstrip(), encoding="utf-8")
        ws = load_for_serving(root)
        bindings = [b for b in plan_bindings(ws, Overrides(ports=("http=0",
                                                                  "openaiCompatible=0")))
                    if b.name == "openaiCompatible"]
        runtime = await Runtime.open(ws)
        stop, urls = asyncio.Event(), {}
        server = asyncio.create_task(serve_surfaces(
            runtime, bindings, ready=lambda b, url: urls.setdefault(b.name, url), stop=stop))
        while not urls:
            await asyncio.sleep(0.01)
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        client = httpx.AsyncClient(base_url=urls["openaiCompatible"], limits=limits,
                                   timeout=60)
        sdk_ms: list[float] = []
        http_ms: list[float] = []
        try:
            for i in range(requests + 20):  # the first 20 of each warm up
                t0 = time.perf_counter()
                a = await sdk_call(runtime, i)
                t1 = time.perf_counter()
                b = await http_call(client, i)
                t2 = time.perf_counter()
                assert a == b == f"You said: user: hi {i}", (a, b)
                if i >= 20:
                    sdk_ms.append((t1 - t0) * 1000)
                    http_ms.append((t2 - t1) * 1000)
            rates = {(name, n): await throughput(call, target, requests, n)
                     for n in (1, 32)
                     for name, call, target in (("sdk", sdk_call, runtime),
                                                ("http", http_call, client))}
        finally:
            await client.aclose()
            stop.set()
            await server
            await runtime.close()
    added = sorted(h - s for h, s in zip(http_ms, sdk_ms, strict=True))
    p99 = added[min(len(added) - 1, int(len(added) * 0.99))]
    return (
        f"Measured {time.strftime('%Y-%m-%d')} on this machine: {requests} interleaved "
        "requests of each, one-step scripted-model agent (`backend: langgraph`), SQLite "
        "store, client and server in one process on loopback.\n\n"
        "| | in-process SDK | `/v1/chat/completions` | added by HTTP |\n|---|---|---|---|\n"
        f"| median ms per request | {statistics.median(sdk_ms):.2f} | "
        f"{statistics.median(http_ms):.2f} | {statistics.median(added):.2f} |\n"
        f"| p99 ms per request | {sorted(sdk_ms)[int(len(sdk_ms) * 0.99)]:.2f} | "
        f"{sorted(http_ms)[int(len(http_ms) * 0.99)]:.2f} | {p99:.2f} (p99 of the "
        "per-pair difference) |\n"
        f"| requests/s, 1 client | {rates['sdk', 1]:.1f} | {rates['http', 1]:.1f} | |\n"
        f"| requests/s, 32 concurrent clients | {rates['sdk', 32]:.1f} | "
        f"{rates['http', 32]:.1f} | |\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="Measured requests of each.")
    parser.add_argument("--no-write", action="store_true", help="Print, do not update docs.")
    args = parser.parse_args()
    table = asyncio.run(main_async(args.requests))
    print(table)
    if not args.no_write:
        from _docs import write_section

        write_section("http_openai", table)


if __name__ == "__main__":
    main()
