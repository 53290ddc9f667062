"""The `{{ cookiecutter.plugin_name }}` backend adapter: runs an agent that is a plain async Python callable.

An agent names its callable in YAML (`spec.entrypoint: module:function`):

    async def agent(text: str, services: AgentServices) -> str

This is where a real framework plugs in: build its agent in ``__init__``, call it in
``start``, translate what it streams into ``OutputDelta`` (and the other events of
``stable_harness.backends.contract``), and route every tool call through ``ctx.call_tool`` so
the runtime's gateway, ledger, policies and approvals apply.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

from pydantic import Field
from stable_harness.backends.contract import AgentBinding, BackendEvent, OutputDelta, Result
from stable_harness.builtin.config import PluginConfig
from stable_harness.builtin.python_tools import import_object
from stable_harness.errors import StableHarnessError
from stable_harness.runs.models import Decision
from stable_harness.runtime.context import RunContext


class {{ cookiecutter.__class_prefix }}Options(PluginConfig):
    """`Agent.spec.options` of agents on this backend."""

    prefix: str = Field("", description="Text streamed before the agent's answer.")


class AgentServices:
    """What the agent callable may use: the runtime's services, nothing else."""

    def __init__(self, ctx: RunContext) -> None:
        self._ctx = ctx

    async def call_tool(self, name: str, **arguments: Any) -> Any:
        """Call a workspace tool through the runtime (validated, governed, recorded)."""
        return await self._ctx.call_tool(name, arguments)

    async def approve(self, action: dict[str, Any], reason: str) -> bool:
        """Ask a human; the run waits (no process is held) until someone decides."""
        decision = await self._ctx.request_approval(action, reason)
        return decision.approved


class {{ cookiecutter.__class_prefix }}Adapter:
    """One agent's adapter; the factory is called as ``factory(options, agent=binding)``."""

    def __init__(self, options: {{ cookiecutter.__class_prefix }}Options, *, agent: AgentBinding) -> None:
        if agent.spec.entrypoint is None:
            raise StableHarnessError(f"agent '{agent.name}' has no spec.entrypoint")
        function = import_object(agent.spec.entrypoint, agent.root)
        if not inspect.iscoroutinefunction(function):
            raise StableHarnessError(f"agent '{agent.name}': {agent.spec.entrypoint} must be "
                                     "an `async def agent(text, services)` function")
        self.options = options
        self.function: Callable[..., Any] = function

    async def start(self, ctx: RunContext) -> AsyncIterator[BackendEvent]:
        """Run the agent; stream its answer; end with ``Result`` (``None``: the streamed
        text is the output)."""
        if self.options.prefix:
            yield OutputDelta(self.options.prefix)
        answer = await self.function(str(ctx.input), AgentServices(ctx))
        yield OutputDelta(str(answer))
        yield Result(None)

    def resume(self, ctx: RunContext, decision: Decision | None) -> AsyncIterator[BackendEvent]:
        """Replay from the top: the runtime answers recorded tool calls and decisions from
        its store, so nothing runs twice. A framework with checkpoints resumes from its
        checkpoint here instead."""
        return self.start(ctx)

    async def cancel(self, ctx: RunContext) -> None:
        """Nothing outside the run's task to stop (cancelling the task cancels the agent).
        A framework running remotely or in a subprocess stops it here."""
