"""Runtime benchmarks, each a ratio against a baseline measured in the same run, each repeated
(`--repeat`, at least 3) with the baseline interleaved; figures are min / median / max over
the repetitions:

1. overhead per run: a trivial `python`-backend agent through `Runtime.run` vs awaiting the
   same function directly (store in WAL with synchronous FULL and NORMAL);
2. events per second of one run streaming `ctx.output` tokens into the store vs a bare loop
   writing the same rows to SQLite itself (same schema, same durability, one commit per 256
   rows), and 100 concurrent runs;
3. cancel latency: `Runtime.cancel` of a run inside a tool call until it is stored
   `cancelled`, vs `asyncio.Task.cancel` of a bare sleeping task;
4. 1,000 runs started concurrently, each calling a 1 s tool (async, then sync), vs 1,000 bare
   tasks sleeping 1 s: wall time, memory per run, event-loop lag p99.

    python benchmarks/runtime.py [--quick] [--repeat N] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
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


async def caller(ctx):
    return await ctx.call_tool(ctx.input["tool"], {"seconds": ctx.input["seconds"]})


async def async_wait(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "ok"


def sync_wait(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "ok"
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
    for name in ("trivial", "stream", "sleeper", "caller"):
        docs.append(f"""apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {{name: {name}}}
spec: {{backend: python, entrypoint: "bench_agents:{name}", tools: [async_wait, sync_wait]}}
""")
    for tool in ("async_wait", "sync_wait"):
        docs.append(f"""apiVersion: stable-harness.dev/v1
kind: Tool
metadata: {{name: {tool}}}
spec: {{entrypoint: "bench_agents:{tool}", tags: [idempotent]}}
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


def raw_sqlite(path: Path, tokens: int, batch: int = 256) -> float:
    """events/s of a bare loop writing what the store writes per streamed token (a stamped
    row, its JSON payload) into the same events table, same pragmas, a commit per ``batch``."""
    from stable_harness.builtin.sqlite_schema import migrate

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    migrate(conn)
    run_id = f"raw-{time.perf_counter_ns()}"
    t0 = time.perf_counter()
    rows = []
    for seq in range(1, tokens + 1):
        payload = json.dumps({"runId": run_id, "text": "tok "}, separators=(",", ":"))
        rows.append((run_id, seq, "harness.output.delta", "ses", datetime.now(UTC).isoformat(),
                     None, payload, seq))
        if len(rows) == batch or seq == tokens:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?)", rows)
            conn.execute("COMMIT")
            rows = []
    elapsed = time.perf_counter() - t0
    conn.close()
    return tokens / elapsed


async def events_per_second(root: Path, tokens: int, runs: int, per_run: int, repeat: int
                            ) -> dict[str, list[float]]:
    from stable_harness import Runtime

    ws = workspace(root / "events", "FULL")
    out: dict[str, list[float]] = {"single": [], "raw": [], "concurrent": []}
    async with await Runtime.open(ws) as rt:
        await rt.run("10", agent="stream")
        for _ in range(repeat):
            out["raw"].append(raw_sqlite(root / "raw.db", tokens))
            t0 = time.perf_counter()
            single = await rt.run(str(tokens), agent="stream", until="terminal")
            out["single"].append(single.last_seq / (time.perf_counter() - t0))
            t0 = time.perf_counter()
            started = await asyncio.gather(*(rt.start(str(per_run), agent="stream")
                                              for _ in range(runs)))
            done = await asyncio.gather(*(rt.wait(r.id) for r in started))
            out["concurrent"].append(sum(r.last_seq for r in done)
                                     / (time.perf_counter() - t0))
    return out


async def cancel_latency(root: Path, n: int) -> dict[str, float]:
    from stable_harness import Runtime

    ws = workspace(root / "cancel", "FULL")
    through, bare = [], []
    async with await Runtime.open(ws) as rt:
        for _ in range(n):
            run = await rt.start({"tool": "async_wait", "seconds": 60}, agent="caller")
            while (await rt.get_run(run.id)).last_seq < 3:  # queued, started, tool.started
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


async def ticker(stop: asyncio.Event, lags: list[float], rss: list[int]) -> None:
    """Record how late a 10 ms sleep wakes (event-loop lag) and the RSS, until ``stop``."""
    while not stop.is_set():
        t = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - t - 0.01)
        rss.append(rss_kib())


async def many_runs(root: Path, n: int, sleep: float, tool: str, repeat: int
                    ) -> dict[str, Any]:
    """``n`` runs started at once, each calling ``tool`` for ``sleep`` s, ``repeat`` times,
    each time interleaved with ``n`` bare tasks sleeping as long."""
    from stable_harness import Runtime

    ws = workspace(root / f"many-{tool}", "FULL")
    out: dict[str, Any] = {"ratio": [], "elapsed": [], "bare": [], "lag_p99": [],
                           "kib_per_run": [], "completed": []}
    async with await Runtime.open(ws) as rt:
        await rt.run({"tool": tool, "seconds": 0}, agent="caller")
        for _ in range(repeat):
            t0 = time.perf_counter()
            await asyncio.gather(*(asyncio.sleep(sleep) for _ in range(n)))
            bare = time.perf_counter() - t0
            gc.collect()
            before = rss_kib()
            lags: list[float] = []
            rss: list[int] = []
            stop = asyncio.Event()
            tick = asyncio.get_running_loop().create_task(ticker(stop, lags, rss))
            t0 = time.perf_counter()
            started = await asyncio.gather(*(
                rt.start({"tool": tool, "seconds": sleep}, agent="caller") for _ in range(n)))
            done = await asyncio.gather(*(rt.wait(r.id) for r in started))
            elapsed = time.perf_counter() - t0
            stop.set()
            await tick
            out["ratio"].append(elapsed / bare)
            out["elapsed"].append(elapsed)
            out["bare"].append(bare)
            out["lag_p99"].append(pct(lags, 0.99) * 1e3)
            out["kib_per_run"].append((max(rss) - before) / n)
            out["completed"].append(sum(r.status == "completed" for r in done))
    return out


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """``min / median / max``."""
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values),
                                               max(values)))


def render(o: dict[str, Any], ev: dict[str, list[float]], c: dict[str, float],
           many: dict[str, dict[str, Any]], n_runs: int, n_many: int, repeat: int) -> str:
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} with `python benchmarks/runtime.py` on "
        f"{os.cpu_count()} CPUs (load {os.getloadavg()[0]:.2f}), Python "
        f"{platform.python_version()}, {platform.system()}; {repeat} repetitions, each "
        "interleaved with its baseline; min / median / max over the repetitions.", "",
        "| measure | stable-harness | baseline | ratio |", "|---|---:|---:|---:|"]
    for sync, reps in o.items():
        through = [r[1] for r in reps]
        direct = [r[0] * 1e3 for r in reps]
        ratio = [r[1] / r[0] for r in reps]
        lines.append(f"| overhead per run ({n_runs} runs), WAL + synchronous={sync}, median "
                     f"ms | {spread(through)} | {spread(direct, '{:.1f}')} µs (direct await) "
                     f"| {spread(ratio, '{:,.0f}')}x |")
    ratios = [s_ / r for s_, r in zip(ev["single"], ev["raw"], strict=True)]
    lines += [
        f"| events/s, one run streaming `ctx.output` | {spread(ev['single'], '{:,.0f}')} | "
        f"{spread(ev['raw'], '{:,.0f}')} (bare loop into SQLite) | {spread(ratios)} |",
        f"| events/s, 100 concurrent streaming runs | {spread(ev['concurrent'], '{:,.0f}')} "
        "| | |",
        f"| cancel inside a tool call → stored `cancelled`, median (p99 {c['p99']:.2f} ms) "
        f"| {c['median']:.2f} ms | {c['bare'] * 1e3:.0f} µs (`Task.cancel`) | "
        f"{c['median'] / c['bare']:,.0f}x |",
    ]
    for tool, m in many.items():
        kind = "async" if tool == "async_wait" else "sync (a thread per call)"
        lines += [
            f"| {n_many} runs started at once, 1 s {kind} tool: wall s "
            f"({min(m['completed'])} to {max(m['completed'])} completed) | "
            f"{spread(m['elapsed'])} | {spread(m['bare'])} (bare tasks) | "
            f"{spread(m['ratio'])} |",
            f"| event-loop lag p99 during those runs, ms | {spread(m['lag_p99'], '{:.0f}')} "
            "| | |",
            f"| memory per in-flight run, KiB | {spread(m['kib_per_run'], '{:.0f}')} | | |",
        ]
    full = statistics.median(r[1] for r in o["FULL"])
    ratio = statistics.median(ratios)
    conc = statistics.median(many["async_wait"]["ratio"])
    lag = statistics.median(many["async_wait"]["lag_p99"])
    lines += ["", "Targets on a 2-core box (medians): overhead under 2 ms per run with FULL "
              f"({'met' if full < 2 else 'missed'}: {full:.2f} ms); streaming at least 0.8 of "
              f"the bare SQLite loop ({'met' if ratio >= 0.8 else 'missed'}: {ratio:.2f}); "
              f"1,000 concurrent runs with an async tool at most 1.2x bare tasks "
              f"({'met' if conc <= 1.2 else 'missed'}: {conc:.2f}x), loop lag p99 at most "
              f"50 ms ({'met' if lag <= 50 else 'missed'}: {lag:.0f} ms); cancel p99 under "
              f"50 ms ({'met' if c['p99'] < 50 else 'missed'}: {c['p99']:.2f} ms)."]
    return "\n".join(lines) + "\n"


async def main_async(quick: bool, repeat: int) -> str:
    n_runs, n_cancel, n_many = (100, 20, 200) if quick else (300, 100, 1000)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        o: dict[str, list[tuple[float, float, float]]] = {"FULL": [], "NORMAL": []}
        for i in range(repeat):
            for sync, figures in (await overhead(root / f"r{i}", n_runs)).items():
                o[sync].append(figures)
        ev = await events_per_second(root, 2000 if quick else 20000, 100, 200, repeat)
        c = await cancel_latency(root, n_cancel)
        many = {tool: await many_runs(root, n_many, 1.0, tool, repeat)
                for tool in ("async_wait", "sync_wait")}
    return render(o, ev, c, many, n_runs, n_many, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Fewer rounds (a smoke test).")
    parser.add_argument("--repeat", type=int, default=3, help="Repetitions (at least 3).")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    table = asyncio.run(main_async(args.quick, max(args.repeat, 3)))
    print(table)
    if not args.no_write:
        sys.path.insert(0, str(Path(__file__).parent))
        from _docs import write_section

        write_section("runtime", table)


if __name__ == "__main__":
    main()
