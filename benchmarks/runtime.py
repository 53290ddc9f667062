"""Runtime benchmarks, each a ratio against a baseline measured in the same run:

1. overhead per run: a trivial `python`-backend agent through `Runtime.run` vs awaiting the
   same function directly (store in WAL with synchronous FULL and NORMAL);
2. events per second into the SQLite store: one run streaming, and 100 concurrent runs;
3. cancel latency: `Runtime.cancel` on a running run until it is stored `cancelled`, vs
   `asyncio.Task.cancel` of a bare sleeping task;
4. 1,000 concurrent I/O-bound runs: completion, memory per run, event-loop lag.

    python benchmarks/runtime.py [--quick] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AGENTS = '''
import asyncio


async def trivial(ctx):
    return "ok"


async def stream(ctx):
    for _ in range(int(ctx.input)):
        await ctx.output("tok ")


async def sleeper(ctx):
    await asyncio.sleep(float(ctx.input))
    return "woke"
'''


def workspace(root: Path, synchronous: str) -> Path:
    root.mkdir(parents=True)
    (root / "bench_agents.py").write_text(AGENTS)
    docs = [f"""apiVersion: stable-harness.dev/v1
kind: Runtime
metadata: {{name: bench}}
spec:
  store: {{use: sqlite, config: {{path: runtime.db, synchronous: {synchronous}}}}}
  runs: {{busySession: enqueue}}
"""]
    for name in ("trivial", "stream", "sleeper"):
        docs.append(f"""apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {{name: {name}}}
spec: {{backend: python, entrypoint: "bench_agents:{name}"}}
""")
    (root / "ws.yaml").write_text("---\n".join(docs))
    return root


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def overhead(root: Path, n: int) -> dict[str, Any]:
    from stable_harness import Runtime

    out: dict[str, Any] = {}
    for sync in ("FULL", "NORMAL"):
        ws = workspace(root / f"overhead-{sync}", sync)
        sys.path.insert(0, str(ws))
        import bench_agents

        async with await Runtime.open(ws) as rt:
            for _ in range(20):  # warm-up
                await rt.run("x", agent="trivial", until="terminal")
            direct, through = [], []
            for _ in range(n):  # interleaved so noise hits both alike
                t0 = time.perf_counter()
                await bench_agents.trivial(None)
                t1 = time.perf_counter()
                await rt.run("x", agent="trivial", until="terminal")
                t2 = time.perf_counter()
                direct.append(t1 - t0)
                through.append(t2 - t1)
        out[sync] = (statistics.median(direct) * 1e3, statistics.median(through) * 1e3,
                     pct(through, 0.99) * 1e3)
    return out


async def events_per_second(root: Path, tokens: int, runs: int, per_run: int
                            ) -> dict[str, float]:
    from stable_harness import Runtime

    ws = workspace(root / "events", "FULL")
    async with await Runtime.open(ws) as rt:
        await rt.run("10", agent="stream")
        t0 = time.perf_counter()
        single = await rt.run(str(tokens), agent="stream", until="terminal")
        single_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        started = [await rt.start(str(per_run), agent="stream") for _ in range(runs)]
        done = await asyncio.gather(*(rt.wait(r.id) for r in started))
        many_s = time.perf_counter() - t0
    return {"single": single.last_seq / single_s,
            "concurrent": sum(r.last_seq for r in done) / many_s}


async def cancel_latency(root: Path, n: int) -> dict[str, float]:
    from stable_harness import Runtime
    from stable_harness.runs import RunStatus

    ws = workspace(root / "cancel", "FULL")
    through, bare = [], []
    async with await Runtime.open(ws) as rt:
        for _ in range(n):
            run = await rt.start("60", agent="sleeper")
            while (await rt.get_run(run.id)).status is not RunStatus.RUNNING:
                await asyncio.sleep(0.001)
            await asyncio.sleep(0.002)
            t0 = time.perf_counter()
            result = await rt.cancel(run.id)
            through.append(time.perf_counter() - t0)
            assert result["status"] == "cancelled"
            task = asyncio.get_running_loop().create_task(asyncio.sleep(60))
            await asyncio.sleep(0.002)
            t0 = time.perf_counter()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            bare.append(time.perf_counter() - t0)
    return {"median": statistics.median(through) * 1e3, "p99": pct(through, 0.99) * 1e3,
            "bare": statistics.median(bare) * 1e3}


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def many_runs(root: Path, n: int, sleep: float) -> dict[str, float]:
    from stable_harness import Runtime

    ws = workspace(root / "many", "FULL")
    lags: list[float] = []
    rss: list[int] = []
    stop = False

    async def ticker() -> None:
        while not stop:
            t0 = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - t0 - 0.01)
            rss.append(rss_kib())

    async with await Runtime.open(ws) as rt:
        await rt.run("0", agent="sleeper")
        gc.collect()
        before = rss_kib()
        tick = asyncio.get_running_loop().create_task(ticker())
        t0 = time.perf_counter()
        started = [await rt.start(str(sleep), agent="sleeper") for _ in range(n)]
        done = await asyncio.gather(*(rt.wait(r.id) for r in started))
        peak = max(rss)
        elapsed = time.perf_counter() - t0
        stop = True
        await tick
    # baseline: the same number of bare tasks sleeping as long
    t0 = time.perf_counter()
    await asyncio.gather(*(asyncio.sleep(sleep) for _ in range(n)))
    bare = time.perf_counter() - t0
    return {"completed": sum(r.status == "completed" for r in done), "elapsed": elapsed,
            "bare": bare, "kib_per_run": (peak - before) / n,
            "lag_p99": pct(lags, 0.99) * 1e3, "lag_max": max(lags) * 1e3}


def render(o: dict[str, Any], ev: dict[str, float], c: dict[str, float], m: dict[str, float],
           n_runs: int, n_many: int) -> str:
    lines = [
        f"Measured with `python benchmarks/runtime.py` on {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {platform.system()}; {n_runs} interleaved runs per "
        "store setting, medians unless noted.", "",
        "| measure | stable-harness | baseline | ratio |", "|---|---:|---:|---:|"]
    for sync, (direct, through, p99) in o.items():
        lines.append(f"| overhead per run, WAL + synchronous={sync} (p99 {p99:.2f} ms) | "
                     f"{through:.2f} ms | {direct * 1e3:.1f} µs (direct await) | "
                     f"{through / direct:,.0f}x |")
    lines += [
        f"| events/s into the store, one run | {ev['single']:,.0f} | 20,000 (target) | "
        f"{ev['single'] / 20000:.1f}x |",
        f"| events/s into the store, 100 concurrent runs | {ev['concurrent']:,.0f} | 20,000 "
        f"(target) | {ev['concurrent'] / 20000:.1f}x |",
        f"| cancel → stored `cancelled`, median (p99 {c['p99']:.2f} ms) | {c['median']:.2f} ms"
        f" | {c['bare'] * 1e3:.0f} µs (`Task.cancel`) | {c['median'] / c['bare']:,.0f}x |",
        f"| {n_many} concurrent I/O-bound runs: wall time ({m['completed']:.0f} completed) | "
        f"{m['elapsed']:.2f} s | {m['bare']:.2f} s (bare tasks) | "
        f"{m['elapsed'] / m['bare']:.2f}x |",
        f"| memory per in-flight run | {m['kib_per_run']:.0f} KiB | | |",
        f"| event-loop lag during those runs, p99 (max) | {m['lag_p99']:.1f} ms "
        f"({m['lag_max']:.0f} ms) | | |",
    ]
    full = o["FULL"][1]
    lines += ["", "Targets on a 2-core box: overhead under 2 ms per run "
              f"({'met' if full < 2 else 'missed'}: {full:.2f} ms with FULL), ≥ 20,000 "
              f"events/s ({'met' if min(ev.values()) >= 20000 else 'missed'}), cancel p99 under "
              f"50 ms ({'met' if c['p99'] < 50 else 'missed'}: {c['p99']:.2f} ms)."]
    return "\n".join(lines) + "\n"


async def main_async(quick: bool) -> str:
    n_runs, n_cancel, n_many = (100, 20, 200) if quick else (500, 100, 1000)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        o = await overhead(root, n_runs)
        ev = await events_per_second(root, 2000 if quick else 20000, 100, 200)
        c = await cancel_latency(root, n_cancel)
        m = await many_runs(root, n_many, 1.0)
    return render(o, ev, c, m, n_runs, n_many)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Fewer rounds (a smoke test).")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    table = asyncio.run(main_async(args.quick))
    print(table)
    if not args.no_write:
        sys.path.insert(0, str(Path(__file__).parent))
        from _docs import write_section

        write_section("runtime", table)


if __name__ == "__main__":
    main()
