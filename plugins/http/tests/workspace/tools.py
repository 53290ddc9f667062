"""Tools of the HTTP test workspace."""

import asyncio


def echo_tool(value: str) -> str:
    """Return the value."""
    return value


async def sleep_tool(seconds: float) -> str:
    """Sleep, then return."""
    await asyncio.sleep(seconds)
    return "slept"
