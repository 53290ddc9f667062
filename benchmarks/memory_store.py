"""Memory stores on the same data: the built-in ``sqlite`` memory store against LangGraph's
``InMemoryStore`` and ``SqliteStore`` (``langgraph-checkpoint-sqlite``).

For N items (10k and 100k) spread over 100 namespaces: put throughput (items/s, one awaited
put after another), get latency, a filtered search in one namespace (the 10 newest matching
items), and, with a semantic index (the built-in ``hash`` embeddings, 64 dimensions, for every
subject that has an index: ours through ``sqlite-vec``, ``InMemoryStore`` with the same
function), the put throughput with embedding and the latency of a query search over all
namespaces. LangGraph's ``SqliteStore`` is measured without an index: its vector search
needs ``sqlite-vec`` loaded into the stdlib ``sqlite3``, which this Python cannot. Each
figure is min / median / max over rounds; every subject runs in each round, one after the
other. "Sub-linear" reads the 100k figure against the 10k one: a search that scans would
take ~10x as long.

    python benchmarks/memory_store.py [--sizes 10000,100000] [--rounds 3] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DIMS = 64
WORDS = ["tea", "coffee", "jazz", "piano", "cat", "dog", "run", "swim", "code", "paint",
         "river", "mountain", "book", "film", "garden", "bread", "cheese", "train", "bike",
         "rain", "snow"]


def item(i: int) -> tuple[tuple[str, ...], str, dict[str, Any]]:
    rnd = random.Random(i)
    text = " ".join(rnd.choice(WORDS) for _ in range(8))
    return ("users", f"u{i % 100}"), f"k{i}", {"text": text, "n": i % 7, "i": i}


def embed(texts: list[str]) -> list[list[float]]:
    from stable_harness.memory.embeddings import hash_vector

    return [hash_vector(t, DIMS) for t in texts]


async def timed(fn: Any, repeat: int) -> float:
    """Mean seconds per call of ``fn(i)`` over ``repeat`` calls."""
    t0 = time.perf_counter()
    for i in range(repeat):
        await fn(i)
    return (time.perf_counter() - t0) / repeat


async def ours(n: int, tmp: Path, vectors: bool) -> dict[str, float]:
    from stable_harness.builtin.config import SqliteMemoryConfig
    from stable_harness.builtin.sqlite_memory import SqliteMemoryStore

    store = SqliteMemoryStore(SqliteMemoryConfig(path=str(tmp / f"ours-{n}-{vectors}.db")))
    await store.open()
    out: dict[str, float] = {}
    try:
        if vectors:
            await store.ensure_index(DIMS)

            async def put(i: int) -> None:
                ns, key, value = item(i)
                await store.put(ns, key, value, vector=embed([value["text"]])[0])
        else:
            async def put(i: int) -> None:
                await store.put(*item(i))
        out["put"] = 1 / await timed(put, n)
        if vectors:
            async def query(i: int) -> None:
                found = await store.search(("users",), limit=10,
                                           vector=embed([f"{WORDS[i % 20]} piano"])[0])
                assert len(found) == 10
            out["query"] = await timed(query, 50)
        else:
            async def get(i: int) -> None:
                assert await store.get(*item(i * 37 % n)[:2]) is not None
            out["get"] = await timed(get, 500)

            async def search(i: int) -> None:
                found = await store.search(("users", f"u{i % 100}"), filter={"n": 3},
                                           limit=10)
                assert found
            out["search"] = await timed(search, 200)
    finally:
        await store.close()
    return out


async def langgraph_store(kind: str, n: int, tmp: Path, vectors: bool) -> dict[str, float]:
    out: dict[str, float] = {}
    if kind == "memory":
        from langgraph.store.memory import InMemoryStore

        store: Any = InMemoryStore(index={"dims": DIMS, "embed": embed, "fields": ["text"]}
                                   if vectors else None)
        cleanup = None
    else:
        from langgraph.store.sqlite.aio import AsyncSqliteStore

        cm = AsyncSqliteStore.from_conn_string(str(tmp / f"lg-{n}.db"))
        store = await cm.__aenter__()
        await store.setup()
        cleanup = cm

    try:
        async def put(i: int) -> None:
            await store.aput(*item(i))
        out["put"] = 1 / await timed(put, n)
        if vectors:
            async def query(i: int) -> None:
                found = await store.asearch(("users",), query=f"{WORDS[i % 20]} piano",
                                            limit=10)
                assert len(found) == 10
            out["query"] = await timed(query, 50)
        else:
            async def get(i: int) -> None:
                assert await store.aget(*item(i * 37 % n)[:2]) is not None
            out["get"] = await timed(get, 500)

            async def search(i: int) -> None:
                found = await store.asearch(("users", f"u{i % 100}"), filter={"n": 3},
                                            limit=10)
                assert found
            out["search"] = await timed(search, 200)
    finally:
        if cleanup is not None:
            await cleanup.__aexit__(None, None, None)
    return out


async def measure(sizes: list[int], rounds: int) -> dict[tuple[str, int, str], list[float]]:
    results: dict[tuple[str, int, str], list[float]] = {}
    for r in range(rounds):
        for n in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                base = Path(tmp)
                subjects = {
                    ("sqlite (ours)", False): ours(n, base, False),
                    ("LangGraph InMemoryStore", False): langgraph_store("memory", n, base,
                                                                        False),
                    ("LangGraph SqliteStore", False): langgraph_store("sqlite", n, base,
                                                                      False),
                    ("sqlite (ours) + sqlite-vec", True): ours(n, base, True),
                    ("LangGraph InMemoryStore + index", True): langgraph_store(
                        "memory", n, base, True),
                }
                for (name, _), coro in subjects.items():
                    for metric, value in (await coro).items():
                        results.setdefault((name, n, metric), []).append(value)
            print(f"round {r + 1}/{rounds}, {n} items done", file=sys.stderr, flush=True)
    return results


def spread(xs: list[float], scale: float, fmt: str) -> str:
    return " / ".join(fmt.format(x * scale) for x in (min(xs), statistics.median(xs),
                                                      max(xs)))


def table(results: dict[tuple[str, int, str], list[float]], sizes: list[int],
          rounds: int) -> str:
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()} ({os.cpu_count()} "
        f"cores, load {os.getloadavg()[0]:.2f}), Python {platform.python_version()}: "
        f"{rounds} rounds; min / median / max.\n",
        "| store | items | put items/s | get µs | filtered search µs | query search µs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    names = list(dict.fromkeys(name for name, _, _ in results))
    for name in names:
        for n in sizes:
            def cell(metric: str, scale: float, name: str = name, n: int = n) -> str:
                xs = results.get((name, n, metric))
                return spread(xs, scale, "{:.0f}") if xs else "—"
            lines.append(f"| {name} | {n:,} | {cell('put', 1)} | {cell('get', 1e6)} | "
                         f"{cell('search', 1e6)} | {cell('query', 1e6)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Print, do not update docs.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    text = table(asyncio.run(measure(sizes, max(1, args.rounds))), sizes, max(1, args.rounds))
    print(text)
    if not args.no_write:
        sys.path.insert(0, str(Path(__file__).parent))
        from _docs import write_section

        write_section("memory_store", text)


if __name__ == "__main__":
    main()
