"""Config models of the LangChain providers (``Model.spec.config``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr
from stable_harness.builtin.config import PluginConfig


class ProviderConfig(PluginConfig):
    """Settings every LangChain provider takes; ``extra`` passes anything else upstream."""

    api_key: SecretStr | None = Field(
        None, description="API key, usually `${env:NAME}`; default: the provider's own "
                          "environment variable.")
    temperature: float | None = Field(None, ge=0, description="Sampling temperature.")
    max_tokens: int | None = Field(None, ge=1, description="Upper bound of output tokens.")
    timeout: float | None = Field(None, gt=0, description="Request timeout in seconds.")
    max_retries: int | None = Field(None, ge=0, description="Client-side retries.")
    extra: dict[str, Any] = Field(
        default_factory=dict, description="Further keyword arguments of the upstream "
                                          "chat model class, passed through.")


class OllamaConfig(ProviderConfig):
    """``Model.spec.config`` for ``ollama``."""

    base_url: str | None = Field(None, description="Ollama server (default localhost:11434).")


class OpenAICompatibleConfig(ProviderConfig):
    """``Model.spec.config`` for ``openai-compatible`` servers (vLLM, LM Studio, llama.cpp)."""

    base_url: str = Field(pattern=r"^https?://", description="The server's `/v1` base URL.")
