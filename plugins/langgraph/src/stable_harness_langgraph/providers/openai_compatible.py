"""Provider ``openai-compatible``: any server speaking the OpenAI chat API at ``baseUrl``
(vLLM, LM Studio, llama.cpp server, …), through LangChain's ``init_chat_model``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stable_harness.hookspecs import hookimpl
from stable_harness.records import EmbeddingsProviderRecord, ModelProviderRecord, Support

PROVIDER = ("openai-compatible", "openai", "langchain-openai", "langchain_openai", None,
            "Qwen/Qwen2.5-7B-Instruct")


def make_model(config: Any, *, name: str, model: str | None = None) -> Any:
    """Factory: the key is optional (local servers rarely check it)."""
    from stable_harness_langgraph.providers.loading import Provider, load_chat_model

    fixed: dict[str, Any] = {"base_url": config.base_url}
    if config.api_key is None:
        fixed["api_key"] = "not-needed"
    return load_chat_model(Provider(*PROVIDER), config, name=name, model=model, **fixed)


@hookimpl
def stable_harness_register_model_providers() -> Sequence[ModelProviderRecord]:
    return [ModelProviderRecord(
        name="openai-compatible", factory=make_model,
        summary="Any OpenAI-compatible server at `baseUrl` (needs langchain-openai)",
        config_model="stable_harness_langgraph.providers.config:OpenAICompatibleConfig",
        capabilities={"tool_calling": Support.NATIVE, "streaming": Support.NATIVE})]


def make_embeddings(config: Any, *, model: str | None = None, dims: int) -> Any:
    """Factory of the ``openai-compatible`` embeddings provider."""
    from stable_harness_langgraph.providers.embeddings import load_embeddings
    from stable_harness_langgraph.providers.loading import Provider

    if config.base_url is None:
        from stable_harness.errors import PluginError

        raise PluginError("Embeddings (provider 'openai-compatible'): `spec.config.baseUrl` "
                          "is required")
    # local servers take text, not OpenAI's token ids, and rarely check a key
    fixed: dict[str, Any] = {"check_embedding_ctx_length": False}
    if config.api_key is None:
        fixed["api_key"] = "not-needed"
    return load_embeddings(Provider(*PROVIDER), config, model=model, dims=dims, **fixed)


@hookimpl
def stable_harness_register_embeddings_providers() -> Sequence[EmbeddingsProviderRecord]:
    return [EmbeddingsProviderRecord(
        name="openai-compatible", factory=make_embeddings,
        summary="Embeddings of any OpenAI-compatible server at `baseUrl` "
                "(needs langchain-openai)",
        config_model="stable_harness_langgraph.providers.embeddings:EmbeddingsConfig")]
