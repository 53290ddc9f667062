"""``/threads``: sessions, with LangGraph state and history from the backend's checkpoints."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Query, Response
from stable_harness.errors import InvalidRequestError
from stable_harness.runs.models import Session

from stable_harness_langgraph_api.deps import Api, ApiContext
from stable_harness_langgraph_api.schemas import (
    CheckpointIn,
    HistoryIn,
    StateIn,
    ThreadIn,
    ThreadPatch,
    ThreadSearch,
)
from stable_harness_langgraph_api.shapes import thread_json, thread_status

router = APIRouter(prefix="/threads", tags=["threads"])


async def _thread(api: ApiContext, session: Session) -> dict[str, Any]:
    service = api.service
    runs = await service.runs_of(session.id)
    state = await service.state(session)
    interrupts: dict[str, list[Any]] = {}
    for task in state.get("tasks") or []:
        if task.get("interrupts"):
            interrupts[task["id"]] = task["interrupts"]
    for run in runs:
        if run.status == "waiting_approval" and not interrupts:
            interrupts[run.id] = await service.interrupts(run)
    status = thread_status(runs)
    if status == "idle" and (interrupts or state.get("next")):
        status = "interrupted"  # paused at a breakpoint or an interrupt
    return thread_json(session, status, state.get("values"), interrupts)


@router.post("")
async def create(api: Api, body: ThreadIn) -> dict[str, Any]:
    """Create a thread (a session with no run yet)."""
    metadata = dict(body.metadata or {})
    if body.graph_id:
        metadata.setdefault("graph_id", body.graph_id)
    session = await api.service.create_thread(body.thread_id, metadata, body.if_exists)
    return await _thread(api, session)


@router.post("/search")
async def search(api: Api, body: ThreadSearch) -> list[dict[str, Any]]:
    """Threads matching metadata, values, ids and status, newest first."""
    return (await _search(api, body))[body.offset:body.offset + body.limit]


@router.post("/count")
async def count(api: Api, body: ThreadSearch) -> int:
    """How many threads match."""
    return len(await _search(api, body))


async def _search(api: ApiContext, body: ThreadSearch) -> list[dict[str, Any]]:
    sessions = await api.service.store.list_sessions(limit=10_000)
    out = []
    for session in sessions:
        if body.ids is not None and session.id not in body.ids:
            continue
        if not all(session.metadata.get(k) == v for k, v in (body.metadata or {}).items()):
            continue
        thread = await _thread(api, session)
        if body.status is not None and thread["status"] != body.status:
            continue
        values = thread["values"] if isinstance(thread["values"], dict) else {}
        if not all(values.get(k) == v for k, v in (body.values or {}).items()):
            continue
        out.append(thread)
    if body.sort_by is not None:
        out.sort(key=lambda t: str(t[body.sort_by or "created_at"]),
                 reverse=body.sort_order != "asc")
    return out


@router.get("/{thread_id}")
async def get(api: Api, thread_id: str) -> dict[str, Any]:
    """One thread: metadata, status, values and pending interrupts."""
    return await _thread(api, await api.service.session(thread_id))


@router.patch("/{thread_id}")
async def update(api: Api, thread_id: str, body: ThreadPatch) -> dict[str, Any]:
    """Merge metadata into the thread's."""
    session = await api.service.session(thread_id)
    merged = {**session.metadata, **(body.metadata or {})}
    updated = await api.service.store.update_session(thread_id, merged, time.time())
    return await _thread(api, updated or session)


@router.delete("/{thread_id}", status_code=204)
async def delete(api: Api, thread_id: str) -> Response:
    """Cancel the thread's runs in flight, then delete it with its runs."""
    await api.service.delete_thread(thread_id)
    return Response(status_code=204)


@router.post("/{thread_id}/copy")
async def copy(api: Api, thread_id: str) -> dict[str, Any]:
    """A new thread with this one's metadata and state (not its runs)."""
    copied = await api.service.copy_thread(await api.service.session(thread_id))
    return await _thread(api, copied)


@router.get("/{thread_id}/state")
async def get_state(api: Api, thread_id: str,
                    subgraphs: bool = Query(False)) -> dict[str, Any]:
    """The thread's current state."""
    return await api.service.state(await api.service.session(thread_id), subgraphs=subgraphs)


@router.get("/{thread_id}/state/{checkpoint_id}")
async def get_state_at(api: Api, thread_id: str, checkpoint_id: str,
                       subgraphs: bool = Query(False)) -> dict[str, Any]:
    """The thread's state at a checkpoint."""
    return await api.service.state(await api.service.session(thread_id), checkpoint_id,
                                   subgraphs)


@router.post("/{thread_id}/state/checkpoint")
async def get_state_of(api: Api, thread_id: str, body: CheckpointIn) -> dict[str, Any]:
    """The thread's state at ``checkpoint.checkpoint_id``."""
    checkpoint_id = body.checkpoint.get("checkpoint_id")
    if checkpoint_id is not None and not isinstance(checkpoint_id, str):
        raise InvalidRequestError("checkpoint.checkpoint_id must be a string",
                                  field="checkpoint.checkpoint_id")
    return await api.service.state(await api.service.session(thread_id), checkpoint_id,
                                   body.subgraphs)


@router.post("/{thread_id}/state")
async def update_state(api: Api, thread_id: str, body: StateIn) -> dict[str, Any]:
    """Write values into the thread's state (as node ``as_node``)."""
    return await api.service.update_state(await api.service.session(thread_id), body.values,
                                          body.as_node)


@router.post("/{thread_id}/history")
async def history(api: Api, thread_id: str, body: HistoryIn) -> list[dict[str, Any]]:
    """The thread's past states, newest first."""
    before = body.before
    if isinstance(before, dict):
        before = before.get("checkpoint_id")
    if before is not None and not isinstance(before, str):
        raise InvalidRequestError("before must be a checkpoint id", field="before")
    return await api.service.history(await api.service.session(thread_id), body.limit,
                                     before, body.metadata)
