import asyncio
import operator
import os
from typing import Annotated

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import RunnableConfig
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.types import interrupt
from typing_extensions import TypedDict


class Steps(TypedDict, total=False):
    topic: str
    steps: Annotated[list[str], operator.add]
    done: str


class Work(TypedDict, total=False):
    topic: str
    done: str


def plan(state: Steps) -> dict:
    return {"steps": [f"plan {state.get('topic', '?')}"]}


def act(state: Work) -> dict:
    get_stream_writer()({"progress": "acting"})
    return {"done": f"acted on {state.get('topic', '?')}"}


_inner = StateGraph(Work)
_inner.add_node("act", act)
_inner.add_edge(START, "act")
_inner.add_edge("act", END)

_steps = StateGraph(Steps)
_steps.add_node("plan", plan)
_steps.add_node("work", _inner.compile())
_steps.add_edge(START, "plan")
_steps.add_edge("plan", "work")
_steps.add_edge("work", END)
steps_graph = _steps


class Review(TypedDict, total=False):
    draft: str
    verdict: str


def write(state: Review) -> dict:
    return {"draft": "draft of " + state.get("draft", "")}


def review(state: Review) -> dict:
    return {"verdict": interrupt({"question": "publish?", "draft": state["draft"]})}


_review = StateGraph(Review)
_review.add_node("write", write)
_review.add_node("review", review)
_review.add_edge(START, "write")
_review.add_edge("write", "review")
_review.add_edge("review", END)
review_graph = _review


def reply(state: MessagesState) -> dict:
    last = state["messages"][-1].content if state["messages"] else ""
    return {"messages": [AIMessage(f"ok: {last}")]}


_one = StateGraph(MessagesState)
_one.add_node("reply", reply)
_one.add_edge(START, "reply")
_one.add_edge("reply", END)
one_graph = _one


async def nap(state: MessagesState) -> dict:
    await asyncio.sleep(30)
    return {"messages": [AIMessage("woke up")]}


_slow = StateGraph(MessagesState)
_slow.add_node("nap", nap)
_slow.add_edge(START, "nap")
_slow.add_edge("nap", END)
slow_graph = _slow


class ChunkyModel(BaseChatModel):
    """Streams ``LG_TEST_SECRET`` (wrapped in words) three characters at a time."""

    @property
    def _llm_type(self) -> str:
        return "chunky"

    def _text(self) -> str:
        return f"the key is {os.environ.get('LG_TEST_SECRET', 'none')} ok"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self._text()))])

    async def _astream(self, messages, stop=None, run_manager=None, **kwargs):
        text = self._text()
        for start in range(0, len(text), 3):
            piece = text[start:start + 3]
            chunk = ChatGenerationChunk(message=AIMessageChunk(piece))
            if run_manager is not None:
                await run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk


async def speak(state: MessagesState) -> dict:
    return {"messages": [await ChunkyModel().ainvoke(state["messages"])]}


_leaky = StateGraph(MessagesState)
_leaky.add_node("speak", speak)
_leaky.add_edge(START, "speak")
_leaky.add_edge("speak", END)
leaky_graph = _leaky


class Seen(TypedDict, total=False):
    user: str
    run_meta: str


def look(state: Seen, config: RunnableConfig) -> dict:
    configurable = config.get("configurable", {})
    return {"user": str(configurable.get("user")),
            "run_meta": str(config.get("metadata", {}).get("tag"))}


_seen = StateGraph(Seen)
_seen.add_node("look", look)
_seen.add_edge(START, "look")
_seen.add_edge("look", END)
seen_graph = _seen
