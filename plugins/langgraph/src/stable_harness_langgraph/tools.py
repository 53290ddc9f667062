"""Every tool call of a LangGraph agent goes through the runtime.

Workspace tools are handed to LangChain as ordinary tools (name, description, JSON Schema) and
executed by :class:`RuntimeToolsMiddleware` through :meth:`RunContext.call_tool`, keyed by
the model's ``tool_call_id``: the runtime records intent and outcome in the tool-call ledger,
applies timeouts and emits the tool events, and a call repeated after a resume from a
checkpoint returns its recorded outcome instead of running again. Tools of the framework
itself (DeepAgents ``write_todos``, ``task``, file tools, …) run upstream and are observed:
the middleware reports them as ``harness.tool.*`` events with ``source: upstream`` and lets a
projector turn them into richer events (plan, delegation, files).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Collection, Sequence
from contextvars import ContextVar
from typing import Any

from langchain.agents.middleware import AgentMiddleware
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, StructuredTool
from stable_harness.backends.contract import BackendEvent, ToolFinished, ToolStarted
from stable_harness.runtime.context import RunContext
from stable_harness.runtime.tools import LoadedTool, ToolNotAvailableError

CURRENT_RUN: ContextVar[RunContext | None] = ContextVar("stable_harness_run", default=None)

Projector = Callable[[dict[str, Any], Any], Sequence[BackendEvent]]
"""``projector(tool_call, result)``: extra events for a framework tool call; ``result`` is
``None`` before the call and the tool's message or command after it."""


def current_run() -> RunContext:
    """The run whose graph is executing (set by the adapter for each activation)."""
    ctx = CURRENT_RUN.get()
    if ctx is None:
        raise RuntimeError("workspace tools run inside a stable-harness run; start the agent "
                           "through the runtime (stable-harness run, the SDK or HTTP)")
    return ctx


def as_text(result: Any) -> str:
    """A tool result as the text of a tool message."""
    if isinstance(result, str):
        return result
    try:
        return json.dumps(result, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(result)


def langchain_tool(tool: LoadedTool) -> BaseTool:
    """A LangChain tool for a workspace tool; calling it goes through the runtime too."""

    async def call(**arguments: Any) -> str:
        return as_text(await current_run().call_tool(tool.name, arguments))

    return StructuredTool(name=tool.name, description=tool.description or tool.name,
                          args_schema=tool.parameters, coroutine=call)


class RuntimeToolsMiddleware(AgentMiddleware):  # type: ignore[type-arg]
    """Routes workspace tool calls through the runtime and observes the framework's own."""

    def __init__(self, workspace_tools: Collection[str], projector: Projector | None = None
                 ) -> None:
        super().__init__()
        self.workspace_tools = frozenset(workspace_tools)
        self.projector = projector

    @property
    def name(self) -> str:
        return "StableHarnessTools"

    async def awrap_tool_call(self, request: Any,
                              handler: Callable[[Any], Awaitable[Any]]) -> Any:
        ctx = current_run()
        call = request.tool_call
        # workspace tools, and names the framework does not know (the gateway may repair a
        # near miss among the agent's tools, or refuse it in words the model can act on)
        if call["name"] in self.workspace_tools or request.tool is None:
            try:
                result = await ctx.call_tool(call["name"], call["args"], key=call["id"])
            except ToolNotAvailableError as exc:  # refused: the model may correct itself
                return ToolMessage(content=str(exc.error.get("message", exc)),
                                   tool_call_id=call["id"], name=call["name"],
                                   status="error")
            return ToolMessage(content=as_text(result), tool_call_id=call["id"],
                               name=call["name"])
        return await self._observed(ctx, request, handler)

    async def _observed(self, ctx: RunContext, request: Any,
                        handler: Callable[[Any], Awaitable[Any]]) -> Any:
        call = request.tool_call
        await ctx.emit(ToolStarted(call["id"], call["name"], dict(call["args"])))
        for event in self._project(call, None):
            await ctx.emit(event)
        try:
            result = await handler(request)
        except Exception as exc:
            await ctx.emit(ToolFinished(call["id"], call["name"],
                                        error=f"{type(exc).__name__}: {exc}"))
            raise
        error = result.content if isinstance(result, ToolMessage) and \
            result.status == "error" else None
        await ctx.emit(ToolFinished(call["id"], call["name"], result=_summary(result),
                                    error=as_text(error) if error is not None else None))
        for event in self._project(call, result):
            await ctx.emit(event)
        return result

    def _project(self, call: dict[str, Any], result: Any) -> Sequence[BackendEvent]:
        return self.projector(call, result) if self.projector else ()


def _summary(result: Any) -> Any:
    """What an observed tool returned, for the event: a message's text, else its kind."""
    if isinstance(result, ToolMessage):
        return as_text(result.content)
    messages = getattr(result, "update", None)
    if isinstance(messages, dict):
        for message in messages.get("messages", []) or []:
            if isinstance(message, ToolMessage):
                return as_text(message.content)
    return type(result).__name__
