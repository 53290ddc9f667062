"""Graphs that use the store the runtime gives them (LangGraph's own injection)."""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.store.base import BaseStore


async def answer(state: MessagesState, *, store: BaseStore) -> dict[str, Any]:
    """Say what the first (system) message says, then remember the question."""
    first = state["messages"][0]
    await store.aput(("users", "u-1"), "last-question",
                     {"text": state["messages"][-1].content})
    return {"messages": [AIMessage(f"context: {first.content}")]}


recall = StateGraph(MessagesState)
recall.add_node("answer", answer)
recall.add_edge(START, "answer")
