"""A fixed sequence of store operations, played by a graph node on the store it is given."""

from typing import Any, TypedDict

from langgraph.graph import START, StateGraph
from langgraph.store.base import BaseStore


class S(TypedDict, total=False):
    results: Any

SCRIPT = [
    ("put", ("docs", "a"), "k1", {"kind": "fruit", "n": 1}),
    ("put", ("docs", "a"), "k2", {"kind": "veg", "n": 5}),
    ("put", ("docs", "b", "deep"), "k3", {"kind": "fruit", "n": 9, "who": {"name": "ann"}}),
    ("put", ("docs", "archive"), "k4", {"kind": "fruit", "n": 0}),
    ("get", ("docs", "a"), "k1"),
    ("get", ("docs", "a"), "missing"),
    ("search", ("docs",), None),
    ("search", ("docs",), {"kind": "fruit"}),
    ("search", ("docs",), {"n": {"$gte": 5}}),
    ("search", ("docs",), {"who": {"name": "ann"}}),
    ("list", None, None),
    ("list_prefix", ("docs",), None),
    ("list_depth", 1, None),
    ("list_suffix", ("deep",), None),
    ("put", ("docs", "a"), "k1", {"kind": "fruit", "n": 2}),
    ("get", ("docs", "a"), "k1"),
    ("delete", ("docs", "a"), "k2"),
    ("search", ("docs", "a"), None),
]

async def play(store: BaseStore) -> list:
    out = []
    for op, a, b, *rest in SCRIPT:
        if op == "put":
            await store.aput(a, b, rest[0])
            out.append(None)
        elif op == "get":
            item = await store.aget(a, b)
            out.append(None if item is None else [list(item.namespace), item.key, item.value])
        elif op == "search":
            items = await store.asearch(a, filter=b, limit=50)
            out.append(sorted([list(i.namespace), i.key, i.value] for i in items))
        elif op == "list":
            out.append([list(n) for n in await store.alist_namespaces()])
        elif op == "list_prefix":
            out.append([list(n) for n in await store.alist_namespaces(prefix=a)])
        elif op == "list_depth":
            out.append([list(n) for n in await store.alist_namespaces(max_depth=a)])
        elif op == "list_suffix":
            out.append([list(n) for n in await store.alist_namespaces(suffix=a)])
        elif op == "delete":
            await store.adelete(a, b)
            out.append(None)
    return out

async def node(state: S, *, store: BaseStore) -> S:
    return {"results": await play(store)}

builder = StateGraph(S)
builder.add_node("play", node)
builder.add_edge(START, "play")
