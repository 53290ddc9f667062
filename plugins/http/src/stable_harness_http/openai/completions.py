"""``POST /v1/chat/completions``: one runtime request per completion; its events become the
response (or the stream). The facade never picks tools, never routes from prose, and never runs
client-supplied tools: ``tools`` and ``tool_choice`` are ignored."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from stable_harness.errors import InvalidRequestError, NotFoundError
from stable_harness.runs import Event, EventType, Run, RunRequest
from stable_harness.runtime import Runtime
from stable_harness.surfaces import SurfaceBinding

from stable_harness_http.errors import openai_error
from stable_harness_http.openai.chunks import (
    Completion,
    approval_call,
    approval_notice,
    narration,
    tool_progress,
)
from stable_harness_http.openai.decisions import decide
from stable_harness_http.openai.messages import flatten, new_turn
from stable_harness_http.openai.schemas import ChatCompletionRequest
from stable_harness_http.sse import frame

PROTOCOL = "openai-compatible"
ENDS = {EventType.RUN_COMPLETED, EventType.RUN_FAILED, EventType.RUN_CANCELLED,
        EventType.RUN_WAITING_APPROVAL}
_background: set[asyncio.Task[Any]] = set()


def exposed_agents(runtime: Runtime, binding: SurfaceBinding) -> list[str]:
    """Agents listed as models (``exposeAgents``, else all)."""
    names = sorted(runtime.workspace.agents)
    allowed = binding.config.expose_agents
    return names if allowed is None else [n for n in names if n in set(allowed)]


async def start_completion(runtime: Runtime, binding: SurfaceBinding,
                           body: ChatCompletionRequest, session: str | None
                           ) -> tuple[Run, int]:
    """Validate the request and start its run (nothing is stored when it is refused), or,
    when the turn answers pending approvals, decide them; return the run and the cursor
    after which its events answer this request."""
    if body.model not in exposed_agents(runtime, binding):
        raise NotFoundError(f"the model '{body.model}' does not exist (models are this "
                            f"workspace's agents: {', '.join(exposed_agents(runtime, binding))})",
                            field="model")
    session = session or body.user
    decided = await decide(runtime, body, session)
    if decided is not None:
        return decided
    messages = new_turn(body.messages) if session else body.messages
    request = RunRequest(flatten(messages), body.model, session, {"protocol": PROTOCOL})
    try:
        return await runtime.start(request), 0
    except InvalidRequestError as exc:
        if exc.field == "sessionId":  # name the field the client sent
            exc.field = "user" if session == body.user else binding.config.session_header
        raise


async def gather(runtime: Runtime, run: Run, completion: Completion, after: int = 0) -> Run:
    """Follow the run until it settles, collecting its text and usage."""
    async for event in runtime.events(run.id, after, until="settled"):
        _collect(event, completion)
    return await runtime.get_run(run.id)


async def pending_calls(runtime: Runtime, run: Run) -> list[dict[str, Any]]:
    """The run's pending approvals as tool calls (empty unless it waits for one)."""
    if str(run.status) != "waiting_approval":
        return []
    return [approval_call(a) for a in await runtime.list_approvals(run_id=run.id,
                                                                  status="pending")]


def _collect(event: Event, completion: Completion) -> None:
    if event.type == EventType.OUTPUT_DELTA:
        completion.text.append(str(event.payload.get("text", "")))
    elif event.type == EventType.MODEL_USAGE:
        completion.usage.add(event)


def new_completion(run: Run, model: str, after: int = 0) -> Completion:
    """The completion object of ``run`` (its id derives from the run id, and from the cursor
    when it answers a decision on a run that answered before)."""
    suffix = f"-{after}" if after else ""
    return Completion(f"chatcmpl-{run.id}{suffix}", model, int(time.time()))


def extension(run: Run, approvals: list[str] | None = None) -> dict[str, Any]:
    """The ``stable_harness`` field: which run answered and how it ended."""
    out: dict[str, Any] = {"runId": run.id, "sessionId": run.session_id,
                           "status": str(run.status)}
    if approvals:
        out["approvals"] = approvals
    return out


def run_error(run: Run) -> tuple[int, dict[str, Any]]:
    """Status and OpenAI-shaped body for a run that did not complete."""
    error = run.error or {}
    code = {"cancelled": "run_cancelled", "blocked": "run_blocked"}.get(str(run.status),
                                                                        "run_failed")
    message = f"run {run.id} {run.status}: {error.get('message') or 'no reason recorded'}"
    return 500, openai_error(500, code, message)


async def stream(runtime: Runtime, binding: SurfaceBinding, run: Run, completion: Completion,
                 include_usage: bool, stopping: asyncio.Event, after: int = 0
                 ) -> AsyncIterator[bytes]:
    """The SSE body: chunks, progress events, the usage chunk, then ``[DONE]``. A client
    that leaves before the end cancels the run when ``cancelOnDisconnect`` is on (a server
    shutting down leaves it for recovery instead)."""
    finished = False
    try:
        yield frame(completion.chunk({"role": "assistant", "content": ""}))
        async for event in runtime.events(run.id, after, until="settled"):
            for chunk in _frames(event, completion, binding):
                yield chunk
            if event.type in ENDS:
                break
        final = await runtime.get_run(run.id)
        calls = await pending_calls(runtime, final)
        if calls:  # the approvals as tool calls, then the finish reason that says so
            yield frame(completion.chunk({"content": "\n\n" + approval_notice(calls)}))
            yield frame(completion.chunk({"tool_calls": [
                {"index": i, **call} for i, call in enumerate(calls)]}))
            yield frame(completion.chunk({}, "tool_calls", stable_harness=extension(
                final, [c["id"] for c in calls])))
        elif str(final.status) == "completed":
            yield frame(completion.chunk({}, "stop", stable_harness=extension(final)))
        else:
            yield frame(run_error(final)[1])
        if include_usage:
            yield frame(completion.usage_chunk())
        yield frame("[DONE]")
        finished = True
    finally:
        if not finished and binding.config.cancel_on_disconnect and not stopping.is_set():
            task = asyncio.get_running_loop().create_task(
                runtime.cancel(run.id, reason="the client disconnected"))
            _background.add(task)
            task.add_done_callback(_background.discard)


def _frames(event: Event, completion: Completion, binding: SurfaceBinding) -> list[bytes]:
    out = []
    _collect(event, completion)
    if event.type == EventType.OUTPUT_DELTA:
        out.append(frame(completion.chunk({"content": completion.text[-1]})))
    progress = tool_progress(event)
    if progress is not None:
        out.append(frame(completion.chunk({}, stable_harness=progress),
                         event="stable_harness.tool.progress"))
    said = narration(event) if binding.config.narration else None
    if said is not None:
        out.append(frame(completion.chunk({}, stable_harness={"narration": said,
                                                              "runId": event.run_id}),
                         event="stable_harness.progress.narration"))
    return out
