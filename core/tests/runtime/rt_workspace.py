"""A workspace exercising the runtime: python-backend agents and tools with known behaviour."""

from __future__ import annotations

import textwrap
from pathlib import Path

RUNTIME = """
apiVersion: stable-harness.dev/v1
kind: Runtime
metadata: {{name: app}}
spec:
  store: {{use: sqlite, config: {{path: .stable-harness/runtime.db, synchronous: NORMAL}}}}
  runs:
    busySession: {busy}
    leaseSeconds: 2
    cancelPollSeconds: 0.02
    retry: {{maxAttempts: 3, initialDelaySeconds: 0.01, maxDelaySeconds: 0.05}}
  eventSinks: {sinks}
"""

AGENTS = {
    "echo": "rt_agents:echo", "approver": "rt_agents:approver", "sleeper": "rt_agents:sleeper",
    "flaky": "rt_agents:flaky", "effect": "rt_agents:effect", "streamer": "rt_agents:streamer",
    "blocker": "rt_agents:blocker", "failing": "rt_agents:failing",
    "slowtool": "rt_agents:slowtool", "history": "rt_agents:history",
    "stepper": "rt_agents:stepper",
}
TOOLS = {
    "echo_tool": ("rt_tools:echo_tool", ["read-only", "idempotent"]),
    "append_effect": ("rt_tools:append_effect", ["mutating"]),
    "slow_tool": ("rt_tools:slow_tool", ["read-only"]),
    "flaky_tool": ("rt_tools:flaky_tool", ["idempotent"]),
}

AGENTS_PY = '''
import asyncio
from stable_harness.backends import StepBlocked


async def echo(ctx):
    value = await ctx.call_tool("echo_tool", {"value": ctx.input})
    await ctx.output(f"echo: {value}")


async def approver(ctx):
    action = {"tool": "append_effect", "arguments": {"line": ctx.input}}
    decision = await ctx.request_approval(action, "writes a file")
    if not decision.approved:
        return f"rejected: {decision.message}"
    args = decision.arguments or {"line": ctx.input}
    await ctx.call_tool("append_effect", args)
    return f"done: {args['line']}"


async def sleeper(ctx):
    await ctx.output("sleeping")
    await asyncio.sleep(float(ctx.input))
    return "woke"


async def flaky(ctx):
    if ctx.attempt < int(ctx.input):
        raise ConnectionError(f"attempt {ctx.attempt} lost the connection")
    return f"ok on attempt {ctx.attempt}"


async def effect(ctx):
    before = await ctx.call_tool("echo_tool", {"value": "before"})
    await ctx.call_tool("append_effect", {"line": ctx.input})
    await ctx.output(f"{before} then effect")


async def streamer(ctx):
    for i in range(int(ctx.input)):
        yield f"t{i} "


async def blocker(ctx):
    yield "partial "
    yield StepBlocked("step-1", "missing credentials")


async def failing(ctx):
    raise ValueError("bad thing")


async def slowtool(ctx):
    return await ctx.call_tool("slow_tool", {"seconds": float(ctx.input)})


async def stepper(ctx):
    async with ctx.step("lookup"):
        value = await ctx.call_tool("echo_tool", {"value": ctx.input})
    await ctx.artifact("note.txt", value, "text/plain")
    return value


async def history(ctx):
    return [h["input"] for h in await ctx.history()]
'''

TOOLS_PY = '''
import asyncio
import os


def echo_tool(value: str) -> str:
    return value


def append_effect(line: str) -> str:
    path = os.environ["RT_EFFECT_FILE"]
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    delay = float(os.environ.get("RT_EFFECT_DELAY", "0"))
    if delay:
        import time
        time.sleep(delay)
    return "written"


async def slow_tool(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "slow done"


CALLS = {"n": 0}


def flaky_tool() -> str:
    CALLS["n"] += 1
    if CALLS["n"] % 2:
        raise ConnectionError("flaky")
    return "ok"
'''


def write_workspace(root: Path, *, busy: str = "reject", sinks: str = "[]") -> Path:
    """Write the runtime test workspace into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "runtime.yaml").write_text(RUNTIME.format(busy=busy, sinks=sinks))
    docs = []
    for name, entry in AGENTS.items():
        tools = list(TOOLS)
        docs.append(textwrap.dedent(f"""\
            apiVersion: stable-harness.dev/v1
            kind: Agent
            metadata: {{name: {name}}}
            spec: {{backend: python, entrypoint: "{entry}", tools: {tools}}}
            """))
    for name, (entry, tags) in TOOLS.items():
        docs.append(textwrap.dedent(f"""\
            apiVersion: stable-harness.dev/v1
            kind: Tool
            metadata: {{name: {name}}}
            spec: {{entrypoint: "{entry}", tags: {tags}}}
            """))
    (root / "inventory.yaml").write_text("---\n".join(docs))
    (root / "rt_agents.py").write_text(AGENTS_PY)
    (root / "rt_tools.py").write_text(TOOLS_PY)
    return root
