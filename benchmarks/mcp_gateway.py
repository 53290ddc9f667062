"""An MCP tool call through the runtime (gateway, policies, ledger, events) against the same
call made directly with the official client, on the same kind of server.

Server: ``@modelcontextprotocol/server-everything`` (npm, installed by
``scripts/dev-setup.sh``), over stdio and over streamable HTTP. Baseline: ``mcp.Client``
awaiting ``call_tool`` N times in a row. Subject: a ``python``-backend agent whose run awaits
``ctx.call_tool`` N times in a row (timed inside the agent, so run start and end are not
counted), with the runtime's own connection to a server of its own. Tools: ``echo``
(``idempotentHint``: its ledger records ride the next group commit) and
``toggle-simulated-logging`` (not idempotent: the intent is made durable before the call and
the outcome after it, two commits per call). Each round runs every subject and baseline once,
interleaved; figures are min / median / max over rounds.

    python benchmarks/mcp_gateway.py [--calls N] [--rounds R] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVERYTHING = ROOT / "plugins/mcp/tests/node/node_modules/.bin/mcp-server-everything"
TOOLS = {"echo": {"message": "hello"}, "toggle-simulated-logging": {}}

AGENT = """
import time

async def loop(ctx):
    tool, arguments, n = ctx.input["tool"], ctx.input["arguments"], ctx.input["n"]
    t0 = time.perf_counter()
    for _ in range(n):
        await ctx.call_tool(tool, arguments)
    return (time.perf_counter() - t0) / n
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([str(EVERYTHING), "streamableHttp"], env={**os.environ,
                            "PORT": str(port)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}/mcp"
        time.sleep(0.1)
    raise SystemExit("server-everything did not listen within 30 s")


def server_spec(transport: str, url: str) -> dict[str, Any]:
    if transport == "stdio":
        return {"transport": "stdio", "command": str(EVERYTHING), "args": ["stdio"]}
    return {"transport": "streamable-http", "url": url}


def client_target(transport: str, url: str) -> Any:
    from mcp import StdioServerParameters
    from mcp.client.stdio import stdio_client

    if transport == "stdio":
        return stdio_client(StdioServerParameters(command=str(EVERYTHING), args=["stdio"]),
                            errlog=open(os.devnull, "w"))
    return url


async def direct(transport: str, url: str, tool: str, calls: int) -> float:
    """Seconds per call of ``Client.call_tool`` (after 20 warm-up calls)."""
    from mcp import Client

    async with Client(client_target(transport, url), cache=None) as client:
        for _ in range(20):
            await client.call_tool(tool, TOOLS[tool])
        t0 = time.perf_counter()
        for _ in range(calls):
            result = await client.call_tool(tool, TOOLS[tool])
            assert not result.is_error, result
        return (time.perf_counter() - t0) / calls


def workspace(root: Path, transport: str, url: str) -> Path:
    docs = [
        {"kind": "Runtime", "metadata": {"name": "bench"}, "spec": {"eventSinks": []}},
        {"kind": "McpServer", "metadata": {"name": "everything"},
         "spec": server_spec(transport, url)},
        {"kind": "Agent", "metadata": {"name": "loop"},
         "spec": {"backend": "python", "entrypoint": "agent:loop",
                  "mcpServers": ["everything"]}}]
    root.mkdir(parents=True)
    (root / "ws.yaml").write_text("\n---\n".join(json.dumps(
        {"apiVersion": "stable-harness.dev/v1", **d}) for d in docs), encoding="utf-8")
    (root / "agent.py").write_text(AGENT, encoding="utf-8")
    return root


async def through_runtime(rt: Any, tool: str, calls: int) -> float:
    for n in (20, calls):  # the first run warms up (connects, lists the tools)
        run = await rt.run({"tool": tool, "arguments": TOOLS[tool], "n": n}, agent="loop",
                           timeout=600)
        assert run.status.value == "completed", run.error
    return float(run.output)


async def measure(calls: int, rounds: int) -> dict[tuple[str, str], dict[str, list[float]]]:
    from stable_harness.runtime import Runtime

    out: dict[tuple[str, str], dict[str, list[float]]] = {}
    proc, url = http_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            runtimes = {t: await Runtime.open(workspace(Path(tmp) / t, t, url))
                        for t in ("stdio", "streamable-http")}
            try:
                for r in range(rounds):
                    for transport, rt in runtimes.items():
                        for tool in TOOLS:
                            row = out.setdefault((transport, tool), {"direct": [], "sh": []})
                            row["direct"].append(await direct(transport, url, tool, calls))
                            row["sh"].append(await through_runtime(rt, tool, calls))
                    print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
            finally:
                for rt in runtimes.values():
                    await rt.close()
    finally:
        proc.terminate()
        proc.wait(10)
    return out


def spread(xs: list[float], fmt: str = "{:.0f}") -> str:
    return " / ".join(fmt.format(x) for x in (min(xs), statistics.median(xs), max(xs)))


def table(results: dict[tuple[str, str], dict[str, list[float]]], calls: int,
          rounds: int) -> str:
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()} ({os.cpu_count()} "
        f"cores, load {os.getloadavg()[0]:.2f}), Python {platform.python_version()}: "
        f"{rounds} rounds of {calls} sequential calls per subject; min / median / max over "
        "rounds.\n",
        "| transport | tool | direct `Client.call_tool` µs | through the runtime µs | added µs "
        "| ratio |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (transport, tool), row in results.items():
        direct_us = [x * 1e6 for x in row["direct"]]
        sh_us = [x * 1e6 for x in row["sh"]]
        added = [s - d for s, d in zip(sh_us, direct_us, strict=True)]
        ratio = [s / d for s, d in zip(sh_us, direct_us, strict=True)]
        lines.append(f"| {transport} | `{tool}` | {spread(direct_us)} | {spread(sh_us)} | "
                     f"{spread(added)} | {spread(ratio, '{:.2f}')} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Print, do not update docs.")
    args = parser.parse_args()
    if not EVERYTHING.exists():
        raise SystemExit(f"{EVERYTHING} is missing: run bash scripts/dev-setup.sh (needs npm)")
    text = table(asyncio.run(measure(args.calls, max(1, args.rounds))), args.calls,
                 max(1, args.rounds))
    print(text)
    if not args.no_write:
        sys.path.insert(0, str(Path(__file__).parent))
        from _docs import write_section

        write_section("mcp_gateway", text)


if __name__ == "__main__":
    main()
