"""``/store``: LangGraph's store API over a workspace ``Memory`` (``config.store``, else
the only one). Writes are redacted like every memory write; ``ttl`` is in minutes, as
LangGraph's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from stable_harness.errors import InvalidRequestError, NotFoundError
from stable_harness.memory.contract import MemoryItem, MemoryStore
from stable_harness.runs.models import iso

from stable_harness_langgraph_api.deps import Api, ApiContext
from stable_harness_langgraph_api.schemas import (
    NamespacesIn,
    StoreDeleteIn,
    StoreItemIn,
    StoreSearchIn,
)

router = APIRouter(prefix="/store", tags=["store"])


def memory_name(api: ApiContext) -> str:
    memories = sorted(api.service.runtime.workspace.of_kind("Memory"))
    chosen = api.service.config.store
    if chosen is not None:
        if chosen not in memories:
            raise NotFoundError(f"protocols.langgraph config.store names Memory {chosen!r}, "
                                f"which does not exist (known: {', '.join(memories) or 'none'})")
        return chosen
    if len(memories) != 1:
        raise NotFoundError(
            "the store needs one Memory: " + ("none is defined (add a `kind: Memory` "
                                               "document)" if not memories else
                                               f"choose one of {', '.join(memories)} with "
                                               "protocols.langgraph config.store"))
    return memories[0]


async def _store(api: ApiContext) -> tuple[str, MemoryStore]:
    name = memory_name(api)
    return name, await api.service.runtime.memories.store(name)


def _item(item: MemoryItem, *, scored: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"namespace": list(item.namespace), "key": item.key,
                           "value": item.value, "created_at": iso(item.created_at),
                           "updated_at": iso(item.updated_at)}
    if scored:
        out["score"] = item.score
    return out


def _bad(exc: ValueError, field: str) -> InvalidRequestError:
    return InvalidRequestError(str(exc), field=field)


@router.put("/items", status_code=204)
async def put_item(api: Api, body: StoreItemIn) -> Response:
    """Store an item (secrets redacted first)."""
    name, _ = await _store(api)
    ttl = None if body.ttl is None else body.ttl * 60
    try:
        await api.service.runtime.memories.put(name, tuple(body.namespace), body.key,
                                               body.value, ttl)
    except ValueError as exc:
        raise _bad(exc, "value") from None
    return Response(status_code=204)


@router.get("/items")
async def get_item(api: Api, key: Annotated[str, Query(min_length=1, max_length=1024)],
                   namespace: Annotated[str, Query(max_length=4096)] = "") -> dict[str, Any]:
    """One item; ``namespace`` is dotted (``a.b``)."""
    _, store = await _store(api)
    ns = tuple(p for p in namespace.split(".") if p) if namespace else ()
    try:
        item = await store.get(ns, key)
    except ValueError as exc:
        raise _bad(exc, "namespace") from None
    if item is None:
        raise NotFoundError(f"no item {namespace}/{key}", field="key")
    return _item(item)


@router.delete("/items", status_code=204)
async def delete_item(api: Api, body: StoreDeleteIn) -> Response:
    """Delete an item (also when it was absent)."""
    _, store = await _store(api)
    try:
        await store.delete(tuple(body.namespace), body.key)
    except ValueError as exc:
        raise _bad(exc, "namespace") from None
    return Response(status_code=204)


@router.post("/items/search")
async def search(api: Api, body: StoreSearchIn) -> dict[str, Any]:
    """Items under a prefix matching a filter; with ``query``, ranked by similarity when the
    Memory has an index."""
    name, store = await _store(api)
    extra: dict[str, Any] = {}
    embedder = api.service.runtime.memories.embedder(name)
    if body.query and embedder is not None:
        extra["vector"] = list(map(float, await embedder.aembed_query(body.query)))
    try:
        items = await store.search(tuple(body.namespace_prefix), filter=body.filter,
                                   limit=body.limit, offset=body.offset, **extra)
    except ValueError as exc:
        raise _bad(exc, "filter") from None
    return {"items": [_item(i, scored=True) for i in items]}


@router.post("/namespaces")
async def namespaces(api: Api, body: NamespacesIn) -> dict[str, Any]:
    """Namespaces holding items, by prefix, suffix and depth."""
    _, store = await _store(api)
    try:
        found = await store.list_namespaces(tuple(body.prefix or ()), limit=100_000)
    except ValueError as exc:
        raise _bad(exc, "prefix") from None
    suffix = tuple(body.suffix or ())
    out: list[list[str]] = []
    for ns in found:
        if suffix and ns[len(ns) - len(suffix):] != suffix:
            continue
        cut = list(ns if body.max_depth is None else ns[:body.max_depth])
        if cut not in out:
            out.append(cut)
    return {"namespaces": out[body.offset:body.offset + body.limit]}
