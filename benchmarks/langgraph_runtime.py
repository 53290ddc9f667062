"""The same LangGraph agent, called directly vs run through the stable-harness runtime.

Baseline: LangChain's ``create_agent`` with the scripted model and one tool, compiled with
LangGraph's ``AsyncSqliteSaver`` and invoked with ``ainvoke(..., durability="sync")`` on a new
thread per run. Runtime: the same agent as a ``backend: langgraph`` workspace agent, run with
``Runtime.run`` in the same process (SQLite run store, event trace, tool-call ledger, the
checkpoint saver next to the store). Each run is three model steps with two tool calls. The
two are interleaved in one process so machine noise hits both; the report gives the median ms
per run of each and their ratio (target: at most 1.25).

    python benchmarks/langgraph_runtime.py [--runs N] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import textwrap
import time
from pathlib import Path

SCRIPT = {"turns": [
    {"toolCalls": [{"name": "echo_tool", "args": {"value": "{{ input }}"}}]},
    {"toolCalls": [{"name": "echo_tool", "args": {"value": "again {{ last_tool_result }}"}}]},
    {"text": "echo_tool said: {{ last_tool_result }}"},
]}

WORKSPACE = """
apiVersion: stable-harness.dev/v1
kind: Runtime
metadata: {name: bench}
spec: {eventSinks: []}
---
apiVersion: stable-harness.dev/v1
kind: Model
metadata: {name: default}
spec:
  provider: scripted
  config:
    turns:
      - toolCalls: [{name: echo_tool, args: {value: "{{ input }}"}}]
      - toolCalls: [{name: echo_tool, args: {value: "again {{ last_tool_result }}"}}]
      - text: "echo_tool said: {{ last_tool_result }}"
---
apiVersion: stable-harness.dev/v1
kind: Tool
metadata: {name: echo_tool}
spec: {entrypoint: "bench_tools:echo_tool", tags: [read-only]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: agent}
spec: {backend: langgraph, model: default, tools: [echo_tool]}
"""


def echo_tool(value: str) -> str:
    """Return the value."""
    return value


async def direct_graph(db: Path):
    import aiosqlite
    from langchain.agents import create_agent
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
    from stable_harness.builtin.config import ScriptedModelConfig
    from stable_harness.builtin.scripted_model import make_scripted_model

    conn = await aiosqlite.connect(str(db))
    await conn.execute("PRAGMA journal_mode=WAL")
    saver = AsyncSqliteSaver(conn)
    model = make_scripted_model(ScriptedModelConfig.model_validate(SCRIPT), name="default")
    return create_agent(model, [echo_tool], checkpointer=saver), conn


def _spread(values: list[float]) -> str:
    return " / ".join(f"{v:.2f}" for v in (min(values), statistics.median(values), max(values)))


async def main_async(runs: int, repeat: int) -> str:
    from stable_harness.runtime import Runtime

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        (root / "ws.yaml").write_text(textwrap.dedent(WORKSPACE).lstrip(), encoding="utf-8")
        (root / "bench_tools.py").write_text(
            "def echo_tool(value: str) -> str:\n    return value\n", encoding="utf-8")
        graph, conn = await direct_graph(Path(tmp) / "direct.db")
        runtime = await Runtime.open(root)
        direct_ms: list[float] = []
        streamed_ms: list[float] = []
        runtime_ms: list[float] = []
        try:
            for i in range(runs + 5):  # the first 5 of each warm up
                t0 = time.perf_counter()
                out = await graph.ainvoke(
                    {"messages": [{"role": "user", "content": f"hi {i}"}]},
                    {"configurable": {"thread_id": f"direct-{i}"}}, durability="sync")
                t1 = time.perf_counter()
                async for _ in graph.astream(
                        {"messages": [{"role": "user", "content": f"hi {i}"}]},
                        {"configurable": {"thread_id": f"streamed-{i}"}},
                        stream_mode=["messages", "tasks"], durability="sync"):
                    pass
                t2 = time.perf_counter()
                run = await runtime.run(f"hi {i}", agent="agent", timeout=60)
                t3 = time.perf_counter()
                assert run.status == "completed", run.error
                assert run.output == out["messages"][-1].content
                if i >= 5:
                    direct_ms.append((t1 - t0) * 1000)
                    streamed_ms.append((t2 - t1) * 1000)
                    runtime_ms.append((t3 - t2) * 1000)
        finally:
            await runtime.close()
            await conn.close()
    # the interleaved runs cut into `repeat` consecutive blocks; a figure per block
    size = runs // repeat
    blocks = [slice(k * size, (k + 1) * size) for k in range(repeat)]
    d, s, r = ([statistics.median(x[b]) for b in blocks]
               for x in (direct_ms, streamed_ms, runtime_ms))
    return (
        f"Measured {time.strftime('%Y-%m-%d')} on this machine (load "
        f"{os.getloadavg()[0]:.2f}), {runs} interleaved runs of a 3-step (2 tool calls) agent "
        "with the scripted model, default settings (SQLite `synchronous=FULL`), in "
        f"{repeat} consecutive blocks; median ms per run of each block, min / median / max "
        "over the blocks.\n\n"
        "| baseline: the compiled graph with `AsyncSqliteSaver`, called directly | baseline "
        "ms | through the runtime ms | ratio |\n"
        "|---|---|---|---|\n"
        f"| `ainvoke` (no streaming) | {_spread(d)} | {_spread(r)} | "
        f"{_spread([b / a for a, b in zip(d, r, strict=True)])} |\n"
        f"| `astream(stream_mode=[\"messages\", \"tasks\"])` (what the runtime streams) | "
        f"{_spread(s)} | {_spread(r)} | {_spread([b / a for a, b in zip(s, r, strict=True)])} "
        "|\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200, help="Measured runs of each.")
    parser.add_argument("--repeat", type=int, default=3, help="Blocks (at least 3).")
    parser.add_argument("--no-write", action="store_true", help="Print, do not update docs.")
    args = parser.parse_args()
    table = asyncio.run(main_async(args.runs, max(args.repeat, 3)))
    print(table)
    if not args.no_write:
        from _docs import write_section

        write_section("langgraph_runtime", table)


if __name__ == "__main__":
    main()
