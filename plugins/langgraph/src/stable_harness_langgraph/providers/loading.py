"""Build a chat model with LangChain's own ``init_chat_model``, with errors a user can act on."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from stable_harness.errors import PluginError

from stable_harness_langgraph.providers.config import ProviderConfig


@dataclass(frozen=True)
class Provider:
    """How one provider is loaded: its LangChain name, package and key variable."""

    name: str
    upstream: str
    package: str
    module: str
    key_env: str | None
    example: str


def checked_key(provider: Provider, api_key: SecretStr | None, where: str) -> str | None:
    """The API key to pass (None: the provider's own variable), after checking that the
    package is installed and that a key is given where the provider needs one."""
    if importlib.util.find_spec(provider.module) is None:
        raise PluginError(f"{where} needs the package {provider.package}: "
                          f"pip install {provider.package}")
    key = api_key.get_secret_value() if api_key else None
    if provider.key_env and not key and not os.environ.get(provider.key_env):
        raise PluginError(
            f"{where}: no API key; set {provider.key_env} in the environment or write "
            f"`apiKey: ${{env:{provider.key_env}}}` under spec.config")
    return key


def load_chat_model(provider: Provider, config: ProviderConfig, *, name: str,
                    model: str | None, **fixed: Any) -> Any:
    """``init_chat_model(model, model_provider=..., ...)`` after checking what it needs."""
    where = f"Model '{name}' (provider '{provider.name}')"
    if not model:
        raise PluginError(f"{where}: `spec.model` is required, e.g. `model: {provider.example}`")
    key = checked_key(provider, config.api_key, where)
    kwargs: dict[str, Any] = {k: v for k, v in {
        "api_key": key, "temperature": config.temperature, "max_tokens": config.max_tokens,
        "timeout": config.timeout, "max_retries": config.max_retries}.items()
        if v is not None}
    kwargs.update(fixed)
    kwargs.update(config.extra)
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(model, model_provider=provider.upstream, **kwargs)
    except ImportError as exc:
        raise PluginError(f"{where}: {exc}; pip install {provider.package}") from exc
    except (ValueError, TypeError) as exc:
        raise PluginError(f"{where}: {exc}") from exc
