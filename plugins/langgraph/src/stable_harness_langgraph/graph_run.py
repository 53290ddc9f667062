"""One activation of a compiled LangGraph graph, mapped onto backend events.

The thread id is the run id, so every run has its own checkpoint thread. A first start sends
the input; a start that finds a checkpoint (a retry) and a resume after a crash continue from
the last checkpoint with ``None``, LangGraph's own way to re-run the step that did not finish;
a resume after a decision answers the pending interrupt with ``Command(resume=...)``. The graph
streams with ``durability="sync"`` so a step's checkpoint is on disk before the next step
starts, which is what makes "resume from the last checkpoint" exact.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langgraph.types import Command
from stable_harness.backends.contract import (
    BackendEvent,
    Interrupt,
    ModelUsage,
    OutputDelta,
    Result,
    StepCompleted,
    StepStarted,
)
from stable_harness.runtime.context import RunContext

from stable_harness_langgraph.decisions import approval_for, resume_value
from stable_harness_langgraph.tools import CURRENT_RUN, as_text

STREAM_MODES = ["messages", "tasks"]


def run_config(ctx: RunContext, recursion_limit: int) -> dict[str, Any]:
    """The LangGraph config of a run: its own checkpoint thread, and the request's memory
    scope (``{user}``…) as configurable values, which upstream namespace templates (langmem's
    ``("memories", "{user}")``) are filled from."""
    memory = ctx.memory
    scope = {} if memory is None else {k: v for k, v in memory.fields.items()
                                       if k != "thread_id"}
    return {"configurable": {**scope, "thread_id": ctx.run_id},
            "recursion_limit": recursion_limit,
            "metadata": {"stable_harness_run_id": ctx.run_id, "agent": ctx.agent}}


async def initial_input(ctx: RunContext) -> Any:
    """A dict input is the graph's own input state, passed through; text becomes the next
    user message after the session's earlier turns."""
    if isinstance(ctx.input, dict):
        return ctx.input
    messages: list[dict[str, Any]] = []
    memory = ctx.memory
    if ctx.recalled and memory is not None and memory.spec.recall is not None \
            and memory.spec.recall.prompt:
        lines = [f"- {'/'.join(i.namespace)}/{i.key}: {json.dumps(i.value, ensure_ascii=False)}"
                 for i in ctx.recalled]
        messages.append({"role": "system", "content": "What you remember (from memory "
                                                      f"'{memory.name}'):\n" + "\n".join(lines)})
    for turn in await ctx.history():
        messages.append({"role": "user", "content": _text(turn.get("input"))})
        messages.append({"role": "assistant", "content": _text(turn.get("output"))})
    messages.append({"role": "user", "content": _text(ctx.input)})
    return {"messages": messages}


async def activate(graph: Any, ctx: RunContext, *, recursion_limit: int,
                   resuming: bool) -> AsyncIterator[BackendEvent]:
    """Run ``graph`` for ``ctx`` (see the module docstring) and yield its events."""
    token = CURRENT_RUN.set(ctx)
    try:
        config = run_config(ctx, recursion_limit)
        graph_input: Any
        # the thread is the run: before its first activation there is no checkpoint to read
        snapshot = None if ctx.attempt == 1 and not resuming else \
            await graph.aget_state(config)
        if snapshot is None or snapshot.created_at is None:
            graph_input = await initial_input(ctx)
        else:
            ctx.resume_natively()
            graph_input = _answers(ctx, snapshot) if resuming else None
        seen = _Seen()
        async for event in _stream(graph, graph_input, config, seen):
            yield event
        if seen.finished():  # a final answer and no pause: no need to read the state back
            yield Result(_text(seen.last_ai.content) if seen.last_ai is not None else None)
            return
        snapshot = await graph.aget_state(config)
        if snapshot.interrupts:
            pending = snapshot.interrupts[0]
            action, reason = approval_for(pending.value)
            yield Interrupt(key=pending.id, action=action, reason=reason)
            return
        yield Result(output_of(snapshot.values))
    finally:
        with contextlib.suppress(ValueError):  # closed from another context
            CURRENT_RUN.reset(token)


class _Seen:
    """What the stream showed about how the activation ended."""

    def __init__(self) -> None:
        self.last_ai: AIMessage | None = None
        self.other_state = False
        self.interrupted = False

    def task_result(self, task: dict[str, Any]) -> None:
        if task.get("interrupts") or task.get("error"):
            self.interrupted = True
        result = task.get("result")
        if not isinstance(result, dict):
            return
        if set(result) - {"messages"}:
            self.other_state = True  # e.g. a structured response: read the state back
        for message in result.get("messages") or []:
            if isinstance(message, AIMessage):
                self.last_ai = message

    def finished(self) -> bool:
        return (self.last_ai is not None and not self.last_ai.tool_calls
                and not self.interrupted and not self.other_state)


def _answers(ctx: RunContext, snapshot: Any) -> Any:
    """``Command(resume={interrupt id: value})`` for every decided pending interrupt."""
    answers = {}
    for pending in snapshot.interrupts:
        approval = ctx.replay.approvals.get(pending.id)
        if approval is not None and approval.decision is not None:
            answers[pending.id] = resume_value(pending.value, approval.decision)
    return Command(resume=answers) if answers else None


async def _stream(graph: Any, graph_input: Any, config: dict[str, Any], seen: _Seen
                  ) -> AsyncIterator[BackendEvent]:
    # the root graph only: subagents report through tool and delegation events
    async for mode, data in graph.astream(graph_input, config, stream_mode=STREAM_MODES,
                                          durability="sync"):
        if mode == "messages":
            chunk, meta = data
            if isinstance(chunk, AIMessageChunk):
                text = _text(chunk.content)
                if text:
                    yield OutputDelta(text)
                usage = chunk.usage_metadata
                if usage:
                    yield ModelUsage(usage.get("input_tokens", 0), usage.get("output_tokens", 0),
                                     _model_name(meta))
        elif mode == "tasks":
            if "result" in data:
                seen.task_result(data)
            if "." not in data["name"]:  # middleware hooks are upstream plumbing
                yield _task_event(data)


def _model_name(meta: Any) -> str | None:
    name = meta.get("ls_model_name") if isinstance(meta, dict) else None
    return name if isinstance(name, str) else None


def _task_event(task: dict[str, Any]) -> BackendEvent:
    name = task["name"]
    if "result" not in task:
        data: dict[str, Any] = {"node": name}
        if name == "tools" and isinstance(task.get("input"), list):
            data["tools"] = [call.get("name") for call in task["input"]
                             if isinstance(call, dict)]
        return StepStarted(task["id"], name, data)
    data = {"node": name}
    if task.get("error"):
        data["error"] = str(task["error"])
    if task.get("interrupts"):
        data["interrupted"] = True
    return StepCompleted(task["id"], name, data)


def output_of(values: Any) -> Any:
    """A run's output: the structured response when there is one, else the last AI text."""
    if not isinstance(values, dict):
        return values
    structured = values.get("structured_response")
    if structured is not None:
        dump = getattr(structured, "model_dump", None)
        return dump(mode="json") if callable(dump) else structured
    messages = values.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, AIMessage):
                return _text(message.content)
        return None
    return {key: value for key, value in values.items() if _plain(value)}


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | type(None) | list | dict) and \
        not isinstance(value, BaseMessage)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", ""))
                       for part in content
                       if isinstance(part, str) or part.get("type") == "text")
    return as_text(content)
