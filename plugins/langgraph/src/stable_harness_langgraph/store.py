"""The runtime's memory as a LangGraph ``BaseStore``: what the graph gets as ``store=``.

Upstream features that take the store then work unchanged: nodes and tools that receive the
injected store, DeepAgents' ``StoreBackend`` for ``/memories/``, langmem's memory tools. Each
operation goes to the run's governed memory (:mod:`stable_harness.runtime.memory_access`):
the run in progress is found through the context LangGraph runs its nodes in, so one
compiled graph serves every run, each with its own namespaces, events and approvals.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from langgraph.store.base import (
    BaseStore,
    GetOp,
    Item,
    ListNamespacesOp,
    MatchCondition,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
)
from stable_harness.errors import StableHarnessError
from stable_harness.memory.contract import MemoryItem

from stable_harness_langgraph.tools import CURRENT_RUN


class RuntimeStore(BaseStore):
    """``BaseStore`` over the governed memory of the run in progress."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        ctx = CURRENT_RUN.get()
        memory = None if ctx is None else ctx.memory
        if memory is None:
            raise StableHarnessError(
                "this graph's store is the runtime's memory: it is reachable only inside a "
                "run of an agent with `spec.memory`")
        self._loop = asyncio.get_running_loop()
        return [await _apply(memory, op) for op in ops]

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Sync access (a sync tool in a worker thread): runs on the runtime's loop."""
        loop = self._loop
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        if on_loop or loop is None:
            raise StableHarnessError("use the store's async methods (aget, aput, asearch) "
                                     "from async code")
        return asyncio.run_coroutine_threadsafe(self.abatch(list(ops)), loop).result()


async def _apply(memory: Any, op: Op) -> Result:
    if isinstance(op, GetOp):
        found = await memory.get(op.namespace, op.key)
        return None if found is None else _item(found)
    if isinstance(op, SearchOp):
        items = await memory.search(op.namespace_prefix, filter=op.filter, limit=op.limit,
                                    offset=op.offset, query=op.query)
        return [_search_item(i) for i in items]
    if isinstance(op, PutOp):
        if op.value is None:
            await memory.delete(op.namespace, op.key)
        else:
            # LangGraph's ttl is in minutes; the policy's TTL applies when none is given
            ttl = None if op.ttl is None else op.ttl * 60
            await memory.put(op.namespace, op.key, dict(op.value), ttl_seconds=ttl)
        return None
    if isinstance(op, ListNamespacesOp):
        return _namespaces(await memory.list_namespaces((), limit=10_000), op)
    raise StableHarnessError(f"unsupported store operation {type(op).__name__}")


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def _item(i: MemoryItem) -> Item:
    return Item(value=i.value, key=i.key, namespace=i.namespace,
                created_at=_time(i.created_at), updated_at=_time(i.updated_at))


def _search_item(i: MemoryItem) -> SearchItem:
    return SearchItem(i.namespace, i.key, i.value, _time(i.created_at), _time(i.updated_at),
                      i.score)


def _matches(namespace: tuple[str, ...], condition: MatchCondition) -> bool:
    path = tuple(condition.path)
    if len(path) > len(namespace):
        return False
    part = namespace[:len(path)] if condition.match_type == "prefix" else \
        namespace[len(namespace) - len(path):]
    return all(p == "*" or p == n for p, n in zip(path, part, strict=True))


def _namespaces(found: list[tuple[str, ...]], op: ListNamespacesOp) -> list[tuple[str, ...]]:
    """Upstream's ``list_namespaces``: conditions, ``max_depth`` truncation, then a page."""
    out: list[tuple[str, ...]] = []
    for namespace in found:
        if not all(_matches(namespace, c) for c in op.match_conditions or ()):
            continue
        cut = namespace if op.max_depth is None else namespace[:op.max_depth]
        if cut not in out:
            out.append(cut)
    out.sort()
    return out[op.offset:op.offset + op.limit]
