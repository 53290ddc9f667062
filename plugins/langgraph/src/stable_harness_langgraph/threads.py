"""A session's LangGraph state, for protocols that speak LangGraph (``GraphThreads``).

Every run has its own checkpoint thread (its id), so that retry and crash recovery resume
exactly that run. A session's state is therefore the newest checkpoint of its newest run that
has one; a run that continues the session (``RunRequest.upstream`` set) starts from a copy of
that checkpoint, marked ``stable_harness_seed`` in its metadata, which is LangGraph's own
"continue the thread" without sharing a thread between runs. Rolling a run back is then just
leaving its thread out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

SEED = "stable_harness_seed"


def jsonable(value: Any) -> Any:
    """``value`` as JSON the way LangGraph's server sends it: messages and other pydantic
    models as their ``model_dump()``, dataclasses (``Interrupt``) as their fields."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        try:  # already JSON: the hot path for messages, which states are full of
            return dump(mode="json")
        except Exception:  # a field pydantic cannot render as JSON: take it apart ourselves
            return jsonable(dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_")}
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def config_of(thread: str, checkpoint_id: str | None = None) -> dict[str, Any]:
    """The LangGraph config that reads ``thread`` (at ``checkpoint_id``)."""
    configurable: dict[str, Any] = {"thread_id": thread, "checkpoint_ns": ""}
    if checkpoint_id is not None:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def reference(config: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A checkpoint reference (``thread_id``, ``checkpoint_ns``, ``checkpoint_id``)."""
    if not config:
        return None
    c = config.get("configurable", {})
    return {"thread_id": c.get("thread_id"), "checkpoint_ns": c.get("checkpoint_ns", ""),
            "checkpoint_id": c.get("checkpoint_id"), "checkpoint_map": None}


def snapshot_json(snapshot: Any) -> dict[str, Any]:
    """A ``StateSnapshot`` as the LangGraph API's ``ThreadState``."""
    return {
        "values": jsonable(snapshot.values), "next": list(snapshot.next),
        "checkpoint": reference(snapshot.config),
        "metadata": jsonable(snapshot.metadata or {}), "created_at": snapshot.created_at,
        "parent_checkpoint": reference(snapshot.parent_config),
        "tasks": [{"id": t.id, "name": t.name,
                   "error": None if t.error is None else jsonable(t.error),
                   "interrupts": jsonable(t.interrupts),
                   "checkpoint": reference(t.state) if isinstance(t.state, Mapping) else None,
                   "state": None if t.state is None or isinstance(t.state, Mapping)
                   else snapshot_json(t.state),
                   "result": jsonable(t.result)} for t in snapshot.tasks],
        "interrupts": jsonable(snapshot.interrupts),
    }


async def newest(saver: Any, threads: list[str], checkpoint_id: str | None = None) -> Any:
    """The newest checkpoint tuple of the first of ``threads`` that has one (or checkpoint
    ``checkpoint_id`` of the first that holds it)."""
    for thread in threads:
        found = await saver.aget_tuple(config_of(thread, checkpoint_id))
        if found is not None:
            return found
    return None


async def seed(saver: Any, threads: list[str], target: str,
               checkpoint_id: str | None = None) -> bool:
    """Start thread ``target`` from a copy of the newest checkpoint of ``threads`` (or of
    ``checkpoint_id``: a fork from the past), its pending writes left behind: the new run
    brings its own input."""
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    if isinstance(saver, AsyncSqliteSaver):  # the bytes as stored: no decode and re-encode
        if await _copy_row(saver, threads, target, checkpoint_id):
            return True
        if checkpoint_id is None:
            return False
    found = await newest(saver, threads, checkpoint_id)
    if found is None and checkpoint_id is not None:
        from stable_harness.errors import NotFoundError

        raise NotFoundError(f"the thread has no checkpoint {checkpoint_id!r}",
                            field="checkpoint_id")
    if found is None:
        return False
    metadata = {**(found.metadata or {}), SEED: found.config["configurable"]["thread_id"]}
    await saver.aput(config_of(target), found.checkpoint, metadata,
                     found.checkpoint.get("channel_versions", {}))
    return True


async def _copy_row(saver: Any, threads: list[str], target: str,
                    checkpoint_id: str | None) -> bool:
    """:func:`seed` on LangGraph's SQLite saver: the checkpoint row copied as it is, its
    metadata (JSON) marked as the seed."""
    import json

    where = "thread_id = ? AND checkpoint_ns = ''" + (" AND checkpoint_id = ?"
                                                     if checkpoint_id else "")
    await saver.setup()
    async with saver.lock:
        for thread in threads:
            args = (thread, checkpoint_id) if checkpoint_id else (thread,)
            async with saver.conn.execute(
                    "SELECT checkpoint_id, type, checkpoint, metadata FROM checkpoints "
                    f"WHERE {where} ORDER BY checkpoint_id DESC LIMIT 1", args) as cursor:
                row = await cursor.fetchone()
            if row is None:
                continue
            metadata = {**json.loads(row[3] or b"{}"), SEED: thread}
            await saver.conn.execute(
                "INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, "
                "parent_checkpoint_id, type, checkpoint, metadata) VALUES (?, '', ?, NULL, ?, "
                "?, ?)", (target, row[0], row[1], row[2],
                          json.dumps(metadata, ensure_ascii=False).encode()))
            await saver.conn.commit()
            return True
    return False


def is_seed(snapshot: Any) -> bool:
    """True when a snapshot is the copy a run started from (no step of its own yet)."""
    return bool((snapshot.metadata or {}).get(SEED))


class GraphThreadsMixin:
    """:class:`~stable_harness.backends.contract.GraphThreads` for a ``GraphAdapter``."""

    async def graph(self) -> Any:  # provided by GraphAdapter
        raise NotImplementedError

    async def _saver(self) -> Any:
        return (await self.graph()).checkpointer

    async def thread_state(self, threads: list[str], checkpoint_id: str | None = None,
                           subgraphs: bool = False) -> dict[str, Any] | None:
        graph = await self.graph()
        for thread in threads:
            snapshot = await graph.aget_state(config_of(thread, checkpoint_id),
                                              subgraphs=subgraphs)
            if snapshot.created_at is not None:  # the thread has that checkpoint
                return snapshot_json(snapshot)
        return None

    async def thread_history(self, threads: list[str], *, limit: int = 10,
                             before: str | None = None,
                             metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        graph = await self.graph()
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        passed = before is None
        for thread in threads:
            async for snapshot in graph.aget_state_history(config_of(thread), filter=metadata):
                checkpoint_id = snapshot.config["configurable"]["checkpoint_id"]
                if checkpoint_id in seen:  # a seed: the same checkpoint as the thread before
                    continue
                seen.add(checkpoint_id)
                if not passed:
                    passed = checkpoint_id == before
                    continue
                out.append(snapshot_json(snapshot))
                if len(out) >= limit:
                    return out
        return out

    async def update_thread_state(self, threads: list[str], values: Any,
                                  as_node: str | None = None) -> dict[str, Any]:
        graph = await self.graph()
        found = await newest(graph.checkpointer, threads)
        thread = threads[-1] if found is None else found.config["configurable"]["thread_id"]
        config = await graph.aupdate_state(config_of(thread), values, as_node=as_node)
        return {"checkpoint": reference(config)}

    async def copy_thread(self, threads: list[str], target: str) -> None:
        await seed(await self._saver(), threads, target)
