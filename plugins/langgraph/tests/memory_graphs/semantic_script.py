"""Semantic searches a graph node makes on its store, against LangGraph's InMemoryStore with
the same embeddings."""

from typing import Any, TypedDict

from langgraph.graph import START, StateGraph
from langgraph.store.base import BaseStore

NOTES = [("n1", "likes green tea in the morning"), ("n2", "plays jazz piano"),
         ("n3", "drinks black tea with milk"), ("n4", "has a cat called Tea Cup"),
         ("n5", "runs marathons and drinks water")]
QUERIES = ["green tea", "tea with milk", "music", "drinks"]


class S(TypedDict, total=False):
    results: Any


async def play(store: BaseStore) -> list[Any]:
    for key, text in NOTES:
        await store.aput(("notes",), key, {"text": text})
    out = []
    for query in QUERIES:
        found = await store.asearch(("notes",), query=query, limit=3)
        out.append([[i.key, round(i.score, 5)] for i in found])
    return out


async def node(state: S, *, store: BaseStore) -> S:
    return {"results": await play(store)}


builder = StateGraph(S)
builder.add_node("play", node)
builder.add_edge(START, "play")
