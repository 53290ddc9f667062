"""The ``python`` backend: an agent is an async Python function of the run context.

``spec.entrypoint: module:function`` names either

* an ``async def agent(ctx)`` coroutine function: its return value is the run's output (or,
  when it returns ``None``, the text it streamed with ``await ctx.output(...)``), or
* an ``async def agent(ctx)`` async generator: each yielded string is streamed as output; it
  may also yield :mod:`stable_harness.backends` events.

Through ``ctx`` the agent calls tools (``await ctx.call_tool(name, args)``), asks for approvals
(``await ctx.request_approval(action, reason)``), records artifacts and emits events. Resuming
(after an approval or a crash) replays the function from the top against the run's records; see
:mod:`stable_harness.runtime.context` for the determinism rule this relies on.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

from stable_harness.backends.contract import AgentBinding, BackendEvent, OutputDelta, Result
from stable_harness.builtin.config import PythonBackendOptions
from stable_harness.builtin.python_tools import import_object
from stable_harness.errors import StableHarnessError
from stable_harness.runs.models import Decision
from stable_harness.runtime.context import RunContext


class PythonBackend:
    """Adapter for agents written as async Python functions."""

    def __init__(self, options: PythonBackendOptions, *, agent: AgentBinding) -> None:
        self.options = options
        self.agent = agent
        entrypoint = agent.spec.entrypoint
        if entrypoint is None:
            raise StableHarnessError(f"agent '{agent.name}' has no spec.entrypoint")
        function = import_object(entrypoint, agent.root)
        if not (inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)):
            raise StableHarnessError(
                f"agent '{agent.name}': {entrypoint} must be an `async def` function "
                "(a coroutine or an async generator) taking the run context")
        self.function: Callable[[RunContext], Any] = function

    async def start(self, ctx: RunContext) -> AsyncIterator[BackendEvent]:
        """Call the function; map what it yields or returns onto backend events."""
        if inspect.isasyncgenfunction(self.function):
            async for item in self.function(ctx):
                yield item if isinstance(item, BackendEvent) else OutputDelta(str(item))
            yield Result(None)
        else:
            yield Result(await self.function(ctx))

    def resume(self, ctx: RunContext, decision: Decision | None) -> AsyncIterator[BackendEvent]:
        """Replay from the top: recorded tool results and decisions come from the store."""
        return self.start(ctx)

    async def cancel(self, ctx: RunContext) -> None:
        """Nothing outside the task to stop: cancelling the task cancels the function."""
