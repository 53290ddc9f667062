"""Provider ``openai``: OpenAI models (api.openai.com) through LangChain's ``init_chat_model``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stable_harness.hookspecs import hookimpl
from stable_harness.records import EmbeddingsProviderRecord, ModelProviderRecord, Support

PROVIDER = ("openai", "openai", "langchain-openai", "langchain_openai", "OPENAI_API_KEY",
            "gpt-4o-mini")


def make_model(config: Any, *, name: str, model: str | None = None) -> Any:
    """Factory: check the package and key, then let LangChain build the model."""
    from stable_harness_langgraph.providers.loading import Provider, load_chat_model

    return load_chat_model(Provider(*PROVIDER), config, name=name, model=model)


@hookimpl
def stable_harness_register_model_providers() -> Sequence[ModelProviderRecord]:
    return [ModelProviderRecord(
        name="openai", factory=make_model,
        summary="OpenAI models (needs langchain-openai and OPENAI_API_KEY)",
        config_model="stable_harness_langgraph.providers.config:ProviderConfig",
        capabilities={"tool_calling": Support.NATIVE, "streaming": Support.NATIVE})]


def make_embeddings(config: Any, *, model: str | None = None, dims: int) -> Any:
    """Factory of the ``openai`` embeddings provider."""
    from stable_harness_langgraph.providers.embeddings import load_embeddings
    from stable_harness_langgraph.providers.loading import Provider

    # the text-embedding-3 models can shorten their vectors to the size the spec asks for
    sized = {"dimensions": dims} if model and model.startswith("text-embedding-3") else {}
    return load_embeddings(Provider(*PROVIDER), config, model=model, dims=dims, **sized)


@hookimpl
def stable_harness_register_embeddings_providers() -> Sequence[EmbeddingsProviderRecord]:
    return [EmbeddingsProviderRecord(
        name="openai", factory=make_embeddings,
        summary="OpenAI embeddings (needs langchain-openai)",
        config_model="stable_harness_langgraph.providers.embeddings:EmbeddingsConfig")]
