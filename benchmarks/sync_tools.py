"""Concurrent runs that each call one 1 s tool: a synchronous tool (a thread per call,
`runs.syncToolThreads`) against the same tool written async (the baseline), interleaved,
at 200 and 1,000 concurrent runs. Target: the sync figure within 2x of the async one. Then
cancel latency of a run whose tool is mid-call, sync against async.

    python benchmarks/sync_tools.py [--rounds N] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

MODULE = '''
import asyncio
import time


def sync_wait(seconds: float) -> str:
    time.sleep(seconds)
    return "ok"


async def async_wait(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "ok"


async def caller(ctx):
    return await ctx.call_tool(ctx.input["tool"], {"seconds": ctx.input["seconds"]})
'''
WORKSPACE = """apiVersion: stable-harness.dev/v1
kind: Runtime
metadata: {name: bench}
spec: {store: {use: sqlite, config: {path: runtime.db, synchronous: NORMAL}}}
---
apiVersion: stable-harness.dev/v1
kind: Tool
metadata: {name: sync_wait}
spec: {entrypoint: "bench_tools:sync_wait", tags: [idempotent]}
---
apiVersion: stable-harness.dev/v1
kind: Tool
metadata: {name: async_wait}
spec: {entrypoint: "bench_tools:async_wait", tags: [idempotent]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: caller}
spec: {backend: python, entrypoint: "bench_tools:caller", tools: [sync_wait, async_wait]}
"""
SIZES = (200, 1000)
CANCELS = 20


async def wave(rt, tool: str, n: int) -> float:
    t0 = time.perf_counter()
    runs = await asyncio.gather(*(rt.start({"tool": tool, "seconds": 1.0}) for _ in range(n)))
    done = await asyncio.gather(*(rt.wait(r.id, until="terminal", timeout=600) for r in runs))
    elapsed = time.perf_counter() - t0
    assert all(r.status == "completed" for r in done), {r.status for r in done}
    return elapsed


async def cancel_latency(rt, tool: str) -> float:
    """Seconds from ``cancel`` to the run stored ``cancelled``, the tool still running."""
    run = await rt.start({"tool": tool, "seconds": 30.0})
    while not any(e.type == "harness.tool.started" for e in await rt.store.read_events(run.id)):
        await asyncio.sleep(0.005)
    t0 = time.perf_counter()
    await rt.cancel(run.id)
    return time.perf_counter() - t0


async def measure(rounds: int) -> dict[int, dict[str, list[float]]]:
    from stable_harness.runtime import Runtime

    figures: dict[int, dict[str, list[float]]] = {n: {"sync": [], "async": []} for n in SIZES}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "bench_tools.py").write_text(MODULE)
        (root / "ws.yaml").write_text(WORKSPACE)
        async with await Runtime.open(root) as rt:
            for _ in range(rounds):
                for n in SIZES:
                    for tool in ("async_wait", "sync_wait"):  # interleaved
                        figures[n][tool.split("_")[0]].append(await wave(rt, tool, n))
            cancels: dict[str, list[float]] = {"sync": [], "async": []}
            for _ in range(CANCELS):
                for tool in ("async_wait", "sync_wait"):
                    cancels[tool.split("_")[0]].append(await cancel_latency(rt, tool))
            figures[0] = cancels  # key 0: cancel latency, not a wave
    return figures


def report(figures: dict[int, dict[str, list[float]]], rounds: int) -> str:
    def spread(xs: list[float]) -> str:
        return f"{min(xs):.2f} / {statistics.median(xs):.2f} / {max(xs):.2f}"

    lines = [f"Measured {time.strftime('%Y-%m-%d')} on this machine: {rounds} interleaved "
             "rounds; each run calls one tool that waits 1 s; seconds until every run of the "
             "wave is completed (min / median / max).", "",
             "| concurrent runs | async tool (baseline) | sync tool | ratio sync / async |",
             "|---|---|---|---|"]
    for n, f in figures.items():
        if n == 0:
            continue
        ratios = [s / a for s, a in zip(f["sync"], f["async"], strict=True)]
        lines.append(f"| {n} | {spread(f['async'])} | {spread(f['sync'])} | "
                     f"{spread(ratios)} |")
    cancels = figures[0]

    def ms(xs: list[float]) -> str:
        return (f"{min(xs) * 1e3:.1f} / {statistics.median(xs) * 1e3:.1f} / "
                f"{max(xs) * 1e3:.1f}")

    lines += ["", f"Cancel latency ({CANCELS} runs of each, interleaved; `Runtime.cancel` until "
              "the run is stored `cancelled`, the tool still in its 30 s wait), ms "
              "min / median / max: async tool (baseline) " + ms(cancels["async"])
              + "; sync tool " + ms(cancels["sync"]) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Print, do not update docs.")
    args = parser.parse_args()
    table = report(asyncio.run(measure(args.rounds)), args.rounds)
    print(table)
    if not args.no_write:
        from _docs import write_section

        write_section("sync_tools", table)


if __name__ == "__main__":
    main()
