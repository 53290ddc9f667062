"""The ``scripted`` model: a LangChain chat model that plays back turns from YAML.

Which turn plays is computed from the conversation, never from a counter: turn *n* answers
when *n* assistant messages follow the last user message. The model is therefore stateless,
so a graph resumed from a checkpoint (or a run retried) gets the same answer for the same
conversation, and tool-call ids are derived from the conversation so they repeat too; the
runtime's tool-call ledger relies on that to never run a completed call twice.

Strings in a turn may use ``{{ input }}`` (the last user message), ``{{ last_tool_result }}``
(the content of the latest tool message) and ``{{ turn }}`` (the turn number, from 1).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

from stable_harness.builtin.config import PLACEHOLDER, ScriptedModelConfig, ScriptedTurn
from stable_harness.errors import StableHarnessError

TOKEN = re.compile(r"\S+\s*|\s+")


class ScriptExhaustedError(StableHarnessError):
    """The conversation asks for a turn the script does not have."""


def message_text(message: BaseMessage) -> str:
    """The text of a message whose content may be a list of content blocks."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = [part if isinstance(part, str) else str(part.get("text", ""))
             for part in content if isinstance(part, str) or part.get("type") == "text"]
    return "".join(parts)


class ScriptedChatModel(BaseChatModel):
    """Deterministic, offline chat model (see the module docstring)."""

    turns: list[ScriptedTurn]
    token_latency_ms: float = 0
    script_name: str = "scripted"
    bound_tools: list[str] = Field(default_factory=list)

    def __init__(self, config: ScriptedModelConfig | None = None, /, **data: Any) -> None:
        if config is not None:
            data = {"turns": list(config.turns), "token_latency_ms": config.token_latency_ms,
                    **data}
        super().__init__(**data)

    @property
    def _llm_type(self) -> str:
        return "stable-harness-scripted"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"script_name": self.script_name, "turns": len(self.turns)}

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None,
                   **kwargs: Any) -> Runnable[Any, AIMessage]:
        """Accept tools like a real model; the script decides which ones it calls."""
        names = [convert_to_openai_tool(tool)["function"]["name"] for tool in tools]
        return self.model_copy(update={"bound_tools": names})

    # -- what to say ------------------------------------------------------------------------

    def answer(self, messages: Sequence[BaseMessage]) -> AIMessage:
        """The scripted answer to ``messages``."""
        last_user = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)),
                        default=-1)
        index = sum(1 for m in messages[last_user + 1:] if isinstance(m, AIMessage))
        if index >= len(self.turns):
            raise ScriptExhaustedError(
                f"scripted model '{self.script_name}' has {len(self.turns)} turn(s) and the "
                f"conversation asks for turn {index + 1}; add a turn to its `turns`")
        turn = self.turns[index]
        values = {
            "input": message_text(messages[last_user]) if last_user >= 0 else "",
            "last_tool_result": next((message_text(m) for m in reversed(messages)
                                      if isinstance(m, ToolMessage)), ""),
            "turn": str(index + 1),
        }
        digest = hashlib.sha256(json.dumps(
            [self.script_name, index, [[m.type, message_text(m)] for m in messages]]
        ).encode()).hexdigest()[:16]
        calls = [{"name": call.name, "args": _fill(call.args, values),
                  "id": f"call_{digest}_{i}", "type": "tool_call"}
                 for i, call in enumerate(turn.tool_calls)]
        text = _fill(turn.text or "", values)
        usage = {"input_tokens": sum(len(TOKEN.findall(message_text(m))) for m in messages),
                 "output_tokens": len(TOKEN.findall(text)) + len(calls)}
        usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
        return AIMessage(content=text, tool_calls=calls, usage_metadata=usage,
                         response_metadata={"model_name": self.script_name},
                         id=f"msg_{digest}")

    # -- LangChain interface ----------------------------------------------------------------

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None,
                  **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.answer(messages))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for chunk in _chunks(self.answer(messages)):
            if self.token_latency_ms:
                time.sleep(self.token_latency_ms / 1000)
            if run_manager is not None and isinstance(chunk.message.content, str):
                run_manager.on_llm_new_token(chunk.message.content, chunk=chunk)
            yield chunk

    async def _astream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                       run_manager: AsyncCallbackManagerForLLMRun | None = None,
                       **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        for chunk in _chunks(self.answer(messages)):
            if self.token_latency_ms:
                await asyncio.sleep(self.token_latency_ms / 1000)
            if run_manager is not None and isinstance(chunk.message.content, str):
                await run_manager.on_llm_new_token(chunk.message.content, chunk=chunk)
            yield chunk


def make_scripted_model(config: ScriptedModelConfig, *, name: str = "scripted",
                        model: str | None = None) -> ScriptedChatModel:
    """Factory of the ``scripted`` provider: ``name`` is the ``Model`` document's name."""
    return ScriptedChatModel(config, script_name=name)


def _chunks(message: AIMessage) -> Iterator[ChatGenerationChunk]:
    """Text token by token, then each tool call as one chunk, then the usage."""
    text = message.content if isinstance(message.content, str) else ""
    for token in TOKEN.findall(text):
        yield ChatGenerationChunk(message=AIMessageChunk(content=token, id=message.id))
    for i, call in enumerate(message.tool_calls):
        yield ChatGenerationChunk(message=AIMessageChunk(
            content="", id=message.id, tool_call_chunks=[{
                "name": call["name"], "args": json.dumps(call["args"]), "id": call["id"],
                "index": i, "type": "tool_call_chunk"}]))
    yield ChatGenerationChunk(message=AIMessageChunk(
        content="", id=message.id, usage_metadata=message.usage_metadata,
        response_metadata=message.response_metadata, chunk_position="last"))


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], value)
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    return value
