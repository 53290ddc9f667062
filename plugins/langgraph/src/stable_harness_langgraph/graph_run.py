"""One activation of a compiled LangGraph graph, mapped onto backend events.

The thread id is the run id, so every run has its own checkpoint thread. A first start sends
the input; a start that finds a checkpoint (a retry) and a resume after a crash continue from
the last checkpoint with ``None``, LangGraph's own way to re-run the step that did not finish;
a resume after a decision answers the pending interrupt with ``Command(resume=...)``. The graph
streams with ``durability="sync"`` so a step's checkpoint is on disk before the next step
starts, which is what makes "resume from the last checkpoint" exact.

A run whose request speaks LangGraph (``RunRequest.upstream``, from the LangGraph API) gets
LangGraph's own thread semantics instead of the text history: it starts from a copy of the
session's state (:mod:`.threads`), its input is the graph's input (or a ``Command``), its
``configurable`` and ``context`` reach the graph, and the stream modes it asks for are
written as ``harness.upstream.chunk`` events.
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
    UpstreamChunk,
)
from stable_harness.runtime.context import RunContext

from stable_harness_langgraph.decisions import approval_for, resume_value
from stable_harness_langgraph.threads import is_seed, jsonable, seed
from stable_harness_langgraph.tools import CURRENT_RUN, as_text

STREAM_MODES = ["messages", "tasks"]
# the LangGraph API's stream modes → LangGraph's own (``messages`` in the API's legacy form
# is drawn from the same message chunks; ``events`` comes from ``astream_events``)
UPSTREAM_MODES = {"values": "values", "updates": "updates", "messages-tuple": "messages",
                  "messages": "messages", "custom": "custom", "debug": "debug",
                  "tasks": "tasks", "checkpoints": "checkpoints"}


def run_config(ctx: RunContext, recursion_limit: int) -> dict[str, Any]:
    """The LangGraph config of a run: its own checkpoint thread, and the request's memory
    scope (``{user}``…) as configurable values, which upstream namespace templates (langmem's
    ``("memories", "{user}")``) are filled from."""
    memory = ctx.memory
    scope = {} if memory is None else {k: v for k, v in memory.fields.items()
                                       if k != "thread_id"}
    upstream = ctx.upstream.get("configurable")
    given = upstream if isinstance(upstream, dict) else {}
    given = {k: v for k, v in given.items() if k not in ("thread_id", "checkpoint_id",
                                                         "checkpoint_ns")}
    return {"configurable": {**given, **scope, "thread_id": ctx.run_id},
            "recursion_limit": recursion_limit,
            # the request's metadata too, as the LangGraph server gives a run's to its graph
            "metadata": {**ctx.metadata, "stable_harness_run_id": ctx.run_id,
                         "agent": ctx.agent}}


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
        speaks_langgraph = bool(ctx.upstream)
        # the thread is the run: before its first activation there is no checkpoint to read
        snapshot = None if ctx.attempt == 1 and not resuming else \
            await graph.aget_state(config)
        if snapshot is None or snapshot.created_at is None:
            if speaks_langgraph:
                await seed(graph.checkpointer, await ctx.earlier_threads(), ctx.run_id,
                           ctx.upstream.get("checkpointId"))
            graph_input = _graph_input(ctx) if speaks_langgraph else await initial_input(ctx)
        elif speaks_langgraph and is_seed(snapshot):  # a retry before the first step
            graph_input = _graph_input(ctx)
        else:
            ctx.resume_natively()
            graph_input = _answers(ctx, snapshot) if resuming else None
        seen = _Seen()
        async for event in _stream(graph, graph_input, config, seen, ctx.upstream):
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


def _graph_input(ctx: RunContext) -> Any:
    """A LangGraph API run's input: a ``Command`` (``goto`` / ``update``) or the input as
    is."""
    command = ctx.upstream.get("command")
    if isinstance(command, dict) and ({"goto", "update"} & set(command)):
        return Command(goto=command.get("goto") or (), update=command.get("update"))
    return ctx.input


def _answers(ctx: RunContext, snapshot: Any) -> Any:
    """``Command(resume={interrupt id: value})`` for every decided pending interrupt."""
    answers = {}
    ids = {pending.id for pending in snapshot.interrupts}
    for pending in snapshot.interrupts:
        approval = ctx.replay.approvals.get(pending.id)
        if approval is not None and approval.decision is not None:
            given = approval.decision.value
            if isinstance(given, dict) and given and set(given) <= ids:
                return Command(resume=given)  # a client's answers keyed by interrupt id
            answers[pending.id] = resume_value(pending.value, approval.decision)
    return Command(resume=answers) if answers else None


async def _stream(graph: Any, graph_input: Any, config: dict[str, Any], seen: _Seen,
                  upstream: dict[str, Any]) -> AsyncIterator[BackendEvent]:
    asked = upstream.get("streamMode") or []
    wanted = {m: UPSTREAM_MODES[m] for m in asked if m in UPSTREAM_MODES}
    modes = list(dict.fromkeys([*STREAM_MODES, *wanted.values()]))
    subgraphs = bool(upstream.get("subgraphs"))
    options: dict[str, Any] = {"stream_mode": modes, "durability": "sync",
                               "subgraphs": subgraphs}
    if isinstance(upstream.get("context"), dict):
        options["context"] = upstream["context"]
    for key, name in (("interruptBefore", "interrupt_before"),
                      ("interruptAfter", "interrupt_after")):
        if upstream.get(key):
            options[name] = upstream[key]
    tuples = "messages-tuple" in wanted or "messages" in wanted  # one chunk serves both
    async for event, part in _parts(graph, graph_input, config, options, "events" in asked):
        if event is not None:
            yield UpstreamChunk("events", event)
            continue
        namespace, mode, data = part if subgraphs else ((), *part)
        if mode == "messages" and tuples:
            yield _chunk("messages-tuple", tuple(namespace), data)
        elif mode in wanted.values():
            yield _chunk(mode, tuple(namespace), data)
        if namespace:  # our own events come from the root graph only: subagents report
            continue   # through tool and delegation events
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


async def _parts(graph: Any, graph_input: Any, config: dict[str, Any],
                 options: dict[str, Any], events: bool) -> AsyncIterator[tuple[Any, Any]]:
    """``(None, stream part)`` from ``astream``; with ``events``, every ``astream_events``
    event as ``(event, None)`` too, the parts taken from the root graph's stream events
    (how the LangGraph server serves its ``events`` mode)."""
    if not events:
        async for part in graph.astream(graph_input, config, **options):
            yield None, part
        return
    async for event in graph.astream_events(graph_input, config, version="v2", **options):
        yield jsonable(event), None
        if event.get("event") == "on_chain_stream" and not event.get("parent_ids"):
            yield None, event["data"]["chunk"]


def _chunk(mode: str, namespace: tuple[str, ...], data: Any) -> UpstreamChunk:
    """A stream part as ``harness.upstream.chunk``; a message chunk's text goes as ``text``
    so that the runtime redacts it across chunks."""
    if mode == "messages-tuple":
        message, meta = data
        body = jsonable(message)
        text = None
        if isinstance(body.get("content"), str):
            text = body.pop("content")
        return UpstreamChunk(mode, [body, jsonable(meta)], namespace, text,
                             str(body.get("id") or ""))
    return UpstreamChunk(mode, jsonable(data), namespace)


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
