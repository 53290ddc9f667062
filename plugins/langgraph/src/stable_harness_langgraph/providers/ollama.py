"""Provider ``ollama``: local models served by Ollama, through LangChain's ``init_chat_model``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stable_harness.hookspecs import hookimpl
from stable_harness.records import EmbeddingsProviderRecord, ModelProviderRecord, Support

PROVIDER = ("ollama", "ollama", "langchain-ollama", "langchain_ollama", None, "llama3.1")


def make_model(config: Any, *, name: str, model: str | None = None) -> Any:
    """Factory: no key needed; ``baseUrl`` selects the server."""
    from stable_harness_langgraph.providers.loading import Provider, load_chat_model

    fixed = {"base_url": config.base_url} if config.base_url else {}
    return load_chat_model(Provider(*PROVIDER), config, name=name, model=model, **fixed)


@hookimpl
def stable_harness_register_model_providers() -> Sequence[ModelProviderRecord]:
    return [ModelProviderRecord(
        name="ollama", factory=make_model,
        summary="Local models served by Ollama (needs langchain-ollama)",
        config_model="stable_harness_langgraph.providers.config:OllamaConfig",
        capabilities={"tool_calling": Support.NATIVE, "streaming": Support.NATIVE})]


def make_embeddings(config: Any, *, model: str | None = None, dims: int) -> Any:
    """Factory of the ``ollama`` embeddings provider."""
    from stable_harness_langgraph.providers.embeddings import load_embeddings
    from stable_harness_langgraph.providers.loading import Provider

    return load_embeddings(Provider(*PROVIDER), config, model=model, dims=dims)


@hookimpl
def stable_harness_register_embeddings_providers() -> Sequence[EmbeddingsProviderRecord]:
    return [EmbeddingsProviderRecord(
        name="ollama", factory=make_embeddings,
        summary="Embeddings served by Ollama (needs langchain-ollama)",
        config_model="stable_harness_langgraph.providers.embeddings:EmbeddingsConfig")]
