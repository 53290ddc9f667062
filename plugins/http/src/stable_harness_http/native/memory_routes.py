"""``/memory``: the workspace's memory stores, as an operator sees them (the same as
``stable-harness memory``): namespaces, search, one item, put, delete, export, import.

Operator writes bypass the policies' write rules (there is no run to park) but a value is
still redacted of secrets before it is stored. Namespaces are written ``a/b`` (labels joined
by ``/``)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from stable_harness.errors import InvalidRequestError, NotFoundError
from stable_harness.memory.contract import MemoryStore
from stable_harness.memory.exchange import item_to_dict, parse_namespace, read_export

from stable_harness_http.context import AppContext, Context

router = APIRouter(prefix="/memory", tags=["memory"])
NamespaceQ = Annotated[str, Query(max_length=1024, description="Labels joined by `/`.")]
KeyQ = Annotated[str, Query(min_length=1, max_length=512)]
MAX_IMPORT_LINES = 100_000


class MemoryItemOut(BaseModel):
    """One memory item."""

    namespace: str
    key: str
    value: dict[str, Any]
    createdAt: float
    updatedAt: float
    expiresAt: float | None = None


class MemoryList(BaseModel):
    """The workspace's memory policies."""

    memories: list[dict[str, Any]]


class ItemList(BaseModel):
    """Items, newest first."""

    items: list[MemoryItemOut]


class NamespaceList(BaseModel):
    """Namespaces holding items."""

    namespaces: list[str]


class PutIn(BaseModel):
    """An item to store."""

    model_config = ConfigDict(extra="forbid")
    namespace: str = Field(min_length=1, max_length=1024)
    key: str = Field(min_length=1, max_length=512)
    value: dict[str, Any]
    ttlSeconds: float | None = Field(None, gt=0, le=10 * 365 * 86400)


class ImportOut(BaseModel):
    """How many items an import stored."""

    imported: int


def _namespace(text: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    try:
        return parse_namespace(text, allow_empty=allow_empty)
    except ValueError as exc:
        raise InvalidRequestError(str(exc), field="namespace") from None


async def _store(ctx: AppContext, memory: str) -> MemoryStore:
    if memory not in ctx.runtime.workspace.of_kind("Memory"):
        known = ", ".join(sorted(ctx.runtime.workspace.of_kind("Memory"))) or "none"
        raise NotFoundError(f"no Memory '{memory}' (known: {known})", field="memory")
    return await ctx.runtime.memories.store(memory)


def _value_error(exc: ValueError, field: str) -> InvalidRequestError:
    return InvalidRequestError(str(exc), field=field)


@router.get("", response_model=MemoryList)
async def list_memories(ctx: Context) -> dict[str, Any]:
    """The ``Memory`` documents: store, namespace template, recall, rules, TTL."""
    out = []
    for name, entry in sorted(ctx.runtime.workspace.of_kind("Memory").items()):
        spec = entry.doc.spec
        out.append({"name": name, "store": spec.store.use,
                    "namespace": spec.namespace or name,
                    "recall": None if spec.recall is None else spec.recall.model_dump(
                        mode="json", by_alias=True),
                    "writes": [r.model_dump(mode="json") for r in spec.writes],
                    "defaultWrite": spec.default_write, "ttlSeconds": spec.ttl_seconds})
    return {"memories": out}


@router.get("/{memory}/namespaces", response_model=NamespaceList)
async def namespaces(ctx: Context, memory: str, prefix: NamespaceQ = "",
                     limit: Annotated[int, Query(ge=1, le=10_000)] = 100) -> dict[str, Any]:
    """Namespaces holding items, at or below ``prefix``."""
    store = await _store(ctx, memory)
    found = await store.list_namespaces(_namespace(prefix, allow_empty=True), limit)
    return {"namespaces": ["/".join(n) for n in found]}


@router.get("/{memory}/items", response_model=ItemList)
async def search(ctx: Context, memory: str, namespace: NamespaceQ = "",
                 filter: Annotated[str | None, Query(
                     max_length=8192, description="A JSON object of value filters.")] = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 20,
                 offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
    """Items at or below ``namespace``, newest first."""
    store = await _store(ctx, memory)
    wanted = None
    if filter:
        try:
            wanted = json.loads(filter)
        except json.JSONDecodeError as exc:
            raise InvalidRequestError(f"filter: not JSON ({exc.msg})", field="filter") from None
        if not isinstance(wanted, dict):
            raise InvalidRequestError("filter: must be a JSON object", field="filter")
    try:
        items = await store.search(_namespace(namespace, allow_empty=True), filter=wanted,
                                   limit=limit, offset=offset)
    except ValueError as exc:
        raise _value_error(exc, "filter") from None
    return {"items": [item_to_dict(i) for i in items]}


@router.get("/{memory}/item", response_model=MemoryItemOut)
async def get_item(ctx: Context, memory: str, namespace: NamespaceQ, key: KeyQ
                   ) -> dict[str, Any]:
    """One item (404 when absent or expired)."""
    store = await _store(ctx, memory)
    item = await store.get(_namespace(namespace), key)
    if item is None:
        raise NotFoundError(f"no item {namespace}/{key} in memory '{memory}'", field="key")
    return item_to_dict(item)


@router.put("/{memory}/item", response_model=MemoryItemOut)
async def put_item(ctx: Context, memory: str, body: PutIn) -> dict[str, Any]:
    """Store an item (secrets redacted first); the policy's TTL unless one is given."""
    store = await _store(ctx, memory)
    ns = _namespace(body.namespace)
    try:
        await ctx.runtime.memories.put(memory, ns, body.key, body.value, body.ttlSeconds)
    except ValueError as exc:
        raise _value_error(exc, "value") from None
    item = await store.get(ns, body.key)
    assert item is not None
    return item_to_dict(item)


@router.delete("/{memory}/item", status_code=204)
async def delete_item(ctx: Context, memory: str, namespace: NamespaceQ, key: KeyQ
                      ) -> Response:
    """Delete an item (204 also when it was absent)."""
    store = await _store(ctx, memory)
    await store.delete(_namespace(namespace), key)
    return Response(status_code=204)


@router.get("/{memory}/export", response_class=Response,
            responses={200: {"content": {"application/x-ndjson": {}},
                             "description": "One item per line, oldest first."}})
async def export(ctx: Context, memory: str, namespace: NamespaceQ = "") -> Response:
    """Items at or below ``namespace`` as JSON Lines, oldest first (``import`` reads it)."""
    store = await _store(ctx, memory)
    items = await store.search(_namespace(namespace, allow_empty=True), limit=10**9)
    body = "".join(json.dumps(item_to_dict(i), ensure_ascii=False) + "\n" for i in reversed(items))
    return Response(body, media_type="application/x-ndjson")


@router.post("/{memory}/import", response_model=ImportOut,
             openapi_extra={"requestBody": {"content": {"application/x-ndjson": {
                 "schema": {"type": "string"}}}, "required": True}})
async def import_items(ctx: Context, memory: str, request: Request) -> dict[str, Any]:
    """Read an export back (times kept), all lines or none: a bad line is a 400 naming
    it and nothing is stored."""
    await _store(ctx, memory)  # 404 before the body is read
    lines = (await request.body()).decode("utf-8", errors="replace").splitlines()
    if len(lines) > MAX_IMPORT_LINES:
        raise InvalidRequestError(f"at most {MAX_IMPORT_LINES} lines per import",
                                  field="body")
    try:
        items = read_export(lines)
    except ValueError as exc:
        raise InvalidRequestError(str(exc), field="body") from None
    try:
        await ctx.runtime.memories.restore(memory, items)
    except ValueError as exc:
        raise _value_error(exc, "body") from None
    return {"imported": len(items)}
