"""The model provider contract suite.

A provider plugin's tests subclass :class:`ModelProviderContract` with ``provider =
"<name>"``, the ``model`` id and ``config`` of a ``kind: Model`` that answers, and a
``bad_config``. The conversation tests talk to that model: point ``config`` at a local or
recorded endpoint when the provider is a remote API. The model is asked twice with
:data:`PROMPT`, once with the tool ``contract_echo`` bound; it must answer text without tools
and call ``contract_echo`` with them (a scripted model does this from its script).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from stable_harness.errors import WorkspaceError
from stable_harness.testing.contracts.base import ContractSuite
from stable_harness.testing.contracts.workspaces import document
from stable_harness.testing.harness import load
from stable_harness.testing.workspace import write_files

PROMPT = "Call contract_echo with value 'ping' if you can, else answer 'pong'."
ECHO_TOOL = {"type": "function", "function": {
    "name": "contract_echo", "description": "Echo a value.",
    "parameters": {"type": "object", "properties": {"value": {"type": "string"}},
                   "required": ["value"]}}}


class ModelProviderContract(ContractSuite):
    """Subclass with ``provider``, ``model``, ``config`` and ``bad_config``."""

    provider: ClassVar[str]
    model: ClassVar[str | None] = None
    config: ClassVar[dict[str, Any]] = {}
    bad_config: ClassVar[dict[str, Any]]

    def workspace(self, root: Path, config: dict[str, Any] | None = None) -> Path:
        spec: dict[str, Any] = {"provider": self.provider,
                                "config": self.config if config is None else config}
        if self.model is not None:
            spec["model"] = self.model
        return write_files(root, {"models.yaml": document("Model", "contract-model", spec)})

    @pytest.fixture
    def chat_model(self, tmp_path: Path) -> Any:
        from stable_harness.runtime.assembly import make_model

        return make_model(load(self.workspace(tmp_path / "ws")), "contract-model")

    # -- the contract -----------------------------------------------------------------------

    def test_builds_a_langchain_chat_model(self, chat_model: Any) -> None:
        """The factory returns a LangChain ``BaseChatModel`` (the backends drive it through
        LangChain), without contacting the provider.

        Fix: return the upstream LangChain class (``init_chat_model`` or the partner
        package), configured from the validated config; connect lazily."""
        from langchain_core.language_models import BaseChatModel

        assert isinstance(chat_model, BaseChatModel), type(chat_model)

    def test_bad_config_is_a_validation_error(self, tmp_path: Path) -> None:
        """A wrong ``Model.spec.config`` fails workspace validation at ``spec.config``.

        Fix: give the record a ``config_model`` with typed fields (``extra='forbid'``)."""
        with pytest.raises(WorkspaceError) as caught:
            load(self.workspace(tmp_path / "ws", self.bad_config))
        paths = [d.path for d in caught.value.diagnostics]
        assert any(p.startswith("spec.config") for p in paths), caught.value

    async def test_answers_and_streams(self, chat_model: Any) -> None:
        """Without tools the model answers text; streaming yields chunks that add up to a
        message with the same kind of content.

        Fix: implement ``_generate`` and ``_stream``/``_astream`` (or use the upstream
        class, which does)."""
        from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage

        answer = await chat_model.ainvoke([HumanMessage(PROMPT)])
        assert isinstance(answer, AIMessage), answer
        assert answer.text.strip(), answer
        chunks = [c async for c in chat_model.astream([HumanMessage(PROMPT)])]
        assert chunks, "astream yielded nothing"
        assert all(isinstance(c, AIMessageChunk) for c in chunks), chunks
        whole = chunks[0]
        for chunk in chunks[1:]:
            whole = whole + chunk
        assert whole.text.strip()

    async def test_calls_a_bound_tool(self, chat_model: Any) -> None:
        """With a tool bound, the model's tool calls are well formed: a bound tool's name,
        arguments as a JSON object, and an id (the runtime's ledger keys on it).

        Fix: support ``bind_tools`` and return ``AIMessage.tool_calls``."""
        from langchain_core.messages import HumanMessage

        answer = await chat_model.bind_tools([ECHO_TOOL]).ainvoke([HumanMessage(PROMPT)])
        assert answer.tool_calls, f"no tool call in {answer!r}"
        for call in answer.tool_calls:
            assert call["name"] == "contract_echo"
            assert isinstance(call["args"], dict), call
            assert call["id"], call

    async def test_reports_token_usage(self, chat_model: Any) -> None:
        """Answers carry ``usage_metadata`` (input, output and total tokens), which the
        runtime turns into ``harness.model.usage`` events.

        Fix: fill ``AIMessage.usage_metadata`` from the provider's response."""
        from langchain_core.messages import HumanMessage

        answer = await chat_model.ainvoke([HumanMessage(PROMPT)])
        usage = answer.usage_metadata
        assert usage is not None, "no usage_metadata"
        assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
