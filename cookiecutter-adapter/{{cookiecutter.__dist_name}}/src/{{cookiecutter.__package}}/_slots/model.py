"""The `{{ cookiecutter.plugin_name }}` model provider: a small, offline LangChain chat model.

It answers with a prefix and the user's text; when tools are bound it first calls the first
bound tool with the user's text as its first argument, then answers with the tool's result.
This is where a real model API plugs in: call it in ``_generate``/``_stream`` (or return the
provider's own LangChain class from ``make_chat_model``) and fill ``usage_metadata`` from its
response.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field
from stable_harness.builtin.config import PluginConfig


class {{ cookiecutter.__class_prefix }}Config(PluginConfig):
    """`Model.spec.config` of models of this provider."""

    prefix: str = Field("echo: ", description="Text put before every answer.")


class {{ cookiecutter.__class_prefix }}ChatModel(BaseChatModel):
    """See the module docstring."""

    prefix: str = "echo: "
    model_id: str = "{{ cookiecutter.plugin_name }}"
    tools: list[dict[str, Any]] = []

    @property
    def _llm_type(self) -> str:
        return "{{ cookiecutter.plugin_name }}"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> {{ cookiecutter.__class_prefix }}ChatModel:
        return self.model_copy(update={"tools": [convert_to_openai_tool(t) for t in tools]})

    def _answer(self, messages: list[BaseMessage]) -> AIMessage:
        last = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        text = str(messages[last].content) if last >= 0 else ""
        results = [str(m.content) for m in messages[last + 1:] if isinstance(m, ToolMessage)]
        calls = []
        if self.tools and not results:
            function = self.tools[0]["function"]
            first = next(iter(function.get("parameters", {}).get("properties", {})), "input")
            calls = [{"name": function["name"], "args": {first: text}, "id": f"call-{len(messages)}",
                      "type": "tool_call"}]
        content = "" if calls else self.prefix + (results[-1] if results else text)
        inputs = sum(len(str(m.content).split()) for m in messages)
        outputs = len(content.split()) + len(calls)
        return AIMessage(content=content, tool_calls=calls, usage_metadata={
            "input_tokens": inputs, "output_tokens": outputs, "total_tokens": inputs + outputs})

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._answer(messages))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: Any = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        answer = self._answer(messages)
        words = answer.text.split(" ")
        for i, word in enumerate(words):
            last = i == len(words) - 1
            yield ChatGenerationChunk(message=AIMessageChunk(
                content=word + ("" if last else " "),
                tool_call_chunks=[] if not last else [
                    {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"],
                     "index": n} for n, c in enumerate(answer.tool_calls)],
                usage_metadata=answer.usage_metadata if last else None))


def make_chat_model(config: {{ cookiecutter.__class_prefix }}Config, *, name: str, model: str | None = None
                    ) -> {{ cookiecutter.__class_prefix }}ChatModel:
    """The factory: ``factory(config, name=<Model name>, model=<Model.spec.model>)``."""
    return {{ cookiecutter.__class_prefix }}ChatModel(prefix=config.prefix, model_id=model or name)
