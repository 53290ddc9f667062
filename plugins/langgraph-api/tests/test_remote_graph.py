"""``langgraph.pregel.remote.RemoteGraph``: a graph served here, used as a node of a local
graph (LangGraph's own client for that)."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.pregel.remote import RemoteGraph

pytestmark = pytest.mark.slow


def local_graph(url: str, checkpointer=None):
    remote = RemoteGraph("one", url=url)
    builder = StateGraph(MessagesState)
    builder.add_node("remote", remote)
    builder.add_edge(START, "remote")
    return builder.compile(checkpointer=checkpointer)


async def test_a_remote_graph_is_a_subgraph(url: str) -> None:
    graph = local_graph(url)
    out = await graph.ainvoke({"messages": [HumanMessage("hi")]})
    assert [m.content for m in out["messages"]] == ["hi", "ok: hi"]


def test_a_remote_subgraph_keeps_its_thread(url: str) -> None:
    graph = local_graph(url, InMemorySaver())
    config = {"configurable": {"thread_id": "local-1"}}
    graph.invoke({"messages": [HumanMessage("one")]}, config)
    out = graph.invoke({"messages": [HumanMessage("two")]}, config)
    assert [m.content for m in out["messages"]][-2:] == ["two", "ok: two"]
    streamed = list(graph.stream({"messages": [HumanMessage("three")]}, config,
                                 stream_mode="updates", subgraphs=True))
    assert any(ns == () and "remote" in chunk for ns, chunk in streamed)
