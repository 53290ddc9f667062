"""Embeddings providers ``openai``, ``ollama`` and ``openai-compatible`` (``kind:
Embeddings``), through LangChain's own ``init_embeddings``; registered by the provider
modules of the same names."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr
from stable_harness.builtin.config import PluginConfig
from stable_harness.errors import PluginError

from stable_harness_langgraph.providers.loading import Provider, checked_key


class EmbeddingsConfig(PluginConfig):
    """``Embeddings.spec.config`` for the LangChain providers."""

    api_key: SecretStr | None = Field(None, description="API key, usually `${env:NAME}`.")
    base_url: str | None = Field(None, pattern=r"^https?://", description=(
        "Server URL (required for `openai-compatible`; Ollama's default: localhost)."))
    extra: dict[str, Any] = Field(default_factory=dict, description=(
        "Further keyword arguments of the upstream embeddings class, passed through."))


def load_embeddings(provider: Provider, config: EmbeddingsConfig, *, model: str | None,
                    dims: int, **fixed: Any) -> Any:
    """``init_embeddings(model, provider=...)`` after checking what it needs."""
    where = f"Embeddings (provider '{provider.name}')"
    if not model:
        raise PluginError(f"{where}: `spec.model` is required")
    key = checked_key(provider, config.api_key, where)
    kwargs: dict[str, Any] = {k: v for k, v in {"api_key": key,
                                                "base_url": config.base_url}.items()
                              if v is not None}
    kwargs.update(fixed)
    kwargs.update(config.extra)
    from langchain.embeddings import init_embeddings

    try:
        return init_embeddings(model, provider=provider.upstream, **kwargs)
    except ImportError as exc:
        raise PluginError(f"{where}: {exc}; pip install {provider.package}") from exc
    except (ValueError, TypeError) as exc:
        raise PluginError(f"{where}: {exc}") from exc
