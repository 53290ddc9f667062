"""A run's events as the LangGraph API's Server-Sent Events.

The graph's own stream parts were written with the run (``harness.upstream.chunk``), so a
stream is read from the run's event log: the SSE id is the event's ``seq``, and a client
that reconnects with ``Last-Event-ID`` gets exactly what it missed. A backend without a
graph stream (a Python agent, a direct tool call) still gets ``messages`` from its output
deltas and ``values`` at the end. Runtime approvals (tool gateway policies) show as
``__interrupt__`` like LangGraph's own interrupts, and a run that parks ends the stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from stable_harness.errors import NotFoundError
from stable_harness.runs.events import Event, EventType
from stable_harness.runs.models import Run
from stable_harness_http.sse import frame

from stable_harness_langgraph_api.service import LangGraphService


def _name(mode: str, namespace: list[str]) -> str:
    return "|".join([mode, *namespace]) if namespace else mode


class _Legacy:
    """The API's legacy ``messages`` mode: the whole message so far, per message id."""

    def __init__(self) -> None:
        self.messages: dict[str, dict[str, Any]] = {}

    def frames(self, message: dict[str, Any], meta: Any, seq: int) -> list[bytes]:
        key = str(message.get("id") or "")
        out = []
        if key not in self.messages:
            out.append(frame({key: {"metadata": meta}}, event="messages/metadata"))
            self.messages[key] = {**message, "content": ""}
        so_far = self.messages[key]
        text = message.get("content")
        if isinstance(text, str):
            so_far["content"] = str(so_far.get("content", "")) + text
        for field in ("tool_calls", "tool_call_chunks", "usage_metadata", "response_metadata"):
            if message.get(field):
                so_far[field] = message[field]
        out.append(frame([dict(so_far)], event="messages/partial", id=seq))
        return out

    def complete(self) -> list[bytes]:
        return [frame([m], event="messages/complete") for m in self.messages.values()]


async def run_stream(service: LangGraphService, run: Run, *, after: int, metadata: bool,
                     modes: list[str] | None = None) -> AsyncIterator[bytes]:
    """SSE of ``run`` from event ``after`` until it ends or parks, then ``end``; ``modes``:
    the request's stream modes (default: the run's)."""
    wanted = modes or (run.upstream or {}).get("streamMode") or ["values"]
    modes_set = set(wanted)
    native = run.mode == "agent" and service.graph_threads(run.agent) is not None
    legacy = _Legacy() if "messages" in modes_set else None
    if metadata:
        yield frame({"run_id": run.id, "thread_id": run.session_id,
                     "attempt": max(run.attempt, 1)}, event="metadata")
    interrupted = False
    async for event in _events(service, run, after):
        for chunk in _translate(event, modes_set, native, legacy):
            yield chunk
        if event.type == EventType.UPSTREAM_CHUNK:
            data = event.payload.get("data")
            interrupted |= isinstance(data, dict) and "__interrupt__" in data
        elif event.type == EventType.RUN_WAITING_APPROVAL and not interrupted:
            current = await service.runtime.get_run(run.id)
            found = await service.interrupts(current)
            for mode in ("values", "updates"):
                if mode in modes_set:
                    yield frame({"__interrupt__": found}, event=mode, id=event.seq)
        elif event.type == EventType.RUN_COMPLETED and not native and "values" in modes_set:
            current = await service.runtime.get_run(run.id)
            yield frame(await service.final_values(current), event="values", id=event.seq)
        elif event.type in (EventType.RUN_FAILED, EventType.RUN_CANCELLED):
            error = event.payload.get("error") or {}
            if event.type == EventType.RUN_FAILED:
                yield frame({"error": error.get("type") or error.get("code") or "Error",
                             "message": error.get("message", "")}, event="error", id=event.seq)
    if legacy is not None:
        for chunk in legacy.complete():
            yield chunk
    yield frame({"run_id": run.id, "status": "done"}, event="end")


async def _events(service: LangGraphService, run: Run, after: int) -> AsyncIterator[Event]:
    """The run's events; a run deleted meanwhile (its thread deleted) just ends them."""
    try:
        async for event in service.runtime.events(run.id, after=after, until="settled"):
            yield event
    except NotFoundError:
        return


def _translate(event: Event, modes: set[str], native: bool, legacy: _Legacy | None
               ) -> list[bytes]:
    payload = event.payload
    if event.type == EventType.UPSTREAM_CHUNK:
        mode, namespace, data = payload["mode"], payload.get("namespace") or [], payload["data"]
        if mode != "messages-tuple":
            return [frame(data, event=_name(mode, namespace), id=event.seq)] \
                if mode in modes else []
        message, meta = data
        if "text" in payload:
            message = {**message, "content": payload["text"]}
        out = []
        if "messages-tuple" in modes:
            out.append(frame([message, meta], event=_name("messages", namespace), id=event.seq))
        if legacy is not None:
            out.extend(legacy.frames(message, meta, event.seq))
        return out
    if event.type == EventType.OUTPUT_DELTA and not native:
        message = {"type": "AIMessageChunk", "content": payload.get("text", ""),
                   "id": f"run-{event.run_id}"}
        meta = {"run_id": event.run_id}
        out = []
        if "messages-tuple" in modes:
            out.append(frame([message, meta], event="messages", id=event.seq))
        if legacy is not None:
            out.extend(legacy.frames(message, meta, event.seq))
        return out
    if event.type == EventType.CUSTOM and not native and "custom" in modes:
        return [frame(payload.get("data"), event="custom", id=event.seq)]
    return []
