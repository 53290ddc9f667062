"""Agents of this workspace that run on the `python` backend."""

from typing import Any


async def orchestra(ctx: Any) -> None:
    """Call echo_tool with the request, then answer with its result."""
    echoed = await ctx.call_tool("echo_tool", {"value": ctx.input})
    await ctx.output(f"echo_tool said: {echoed}")
