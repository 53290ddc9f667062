"""Agents of the HTTP test workspace (python backend: no model, no network)."""

from typing import Any


async def echo(ctx: Any):
    """Echo the input through echo_tool, streaming the answer in two parts."""
    echoed = await ctx.call_tool("echo_tool", {"value": str(ctx.input)})
    yield "You said: "
    yield echoed


async def chat(ctx: Any):
    """Say which turn of the session this is and what the last line of input was."""
    turn = len(await ctx.history()) + 1
    last = str(ctx.input).strip().splitlines()[-1] if str(ctx.input).strip() else ""
    yield f"turn {turn}: {last}"


async def slow(ctx: Any):
    """Stream a word, then sleep (long enough to be cancelled or killed)."""
    yield "thinking"
    await ctx.call_tool("sleep_tool", {"seconds": 30})
    yield " done"


async def gated(ctx: Any):
    """Ask for approval, then echo (or say it was refused)."""
    decision = await ctx.request_approval({"tool": "echo_tool", "args": {"value": ctx.input}},
                                          "echoing needs a human")
    if not decision.approved:
        yield f"refused: {decision.message}"
        return
    yield await ctx.call_tool("echo_tool", {"value": str(ctx.input)})
