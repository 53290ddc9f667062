"""Provider ``anthropic``: Anthropic Claude models through LangChain's ``init_chat_model``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stable_harness.hookspecs import hookimpl
from stable_harness.records import ModelProviderRecord, Support

PROVIDER = ("anthropic", "anthropic", "langchain-anthropic", "langchain_anthropic",
            "ANTHROPIC_API_KEY",
            "claude-sonnet-4-5")


def make_model(config: Any, *, name: str, model: str | None = None) -> Any:
    """Factory: check the package and key, then let LangChain build the model."""
    from stable_harness_langgraph.providers.loading import Provider, load_chat_model

    return load_chat_model(Provider(*PROVIDER), config, name=name, model=model)


@hookimpl
def stable_harness_register_model_providers() -> Sequence[ModelProviderRecord]:
    return [ModelProviderRecord(
        name="anthropic", factory=make_model,
        summary="Anthropic Claude models (needs langchain-anthropic and ANTHROPIC_API_KEY)",
        config_model="stable_harness_langgraph.providers.config:ProviderConfig",
        capabilities={"tool_calling": Support.NATIVE, "streaming": Support.NATIVE})]
