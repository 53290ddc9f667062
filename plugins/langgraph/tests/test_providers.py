"""Real providers load through LangChain; no test calls a model API."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from stable_harness.errors import PluginError, WorkspaceError
from stable_harness.runtime.assembly import make_model
from stable_harness.workspace import load_workspace

from .conftest import write_workspace


def model_ws(tmp_path: Path, provider: str, body: str) -> Path:
    return write_workspace(tmp_path / "ws", {"m.yaml": f"""
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {{name: real}}
        spec:
          provider: {provider}
        {body}
        """})


def build(tmp_path: Path, provider: str, body: str, environ: dict[str, str]):
    ws = load_workspace(model_ws(tmp_path, provider, body), environ=environ)
    return make_model(ws, "real")


@pytest.mark.skipif(importlib.util.find_spec("langchain_anthropic") is None,
                    reason="langchain-anthropic is not installed here")
def test_anthropic_without_a_key_says_how_to_give_one(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(PluginError, match="no API key; set ANTHROPIC_API_KEY"):
        build(tmp_path, "anthropic", "  model: claude-sonnet-4-5", {})


@pytest.mark.skipif(importlib.util.find_spec("langchain_anthropic") is None,
                    reason="langchain-anthropic is not installed here")
def test_anthropic_key_from_env_interpolation_builds_the_upstream_model(tmp_path) -> None:
    model = build(tmp_path, "anthropic", "  model: claude-sonnet-4-5\n"
                  "          config: {apiKey: '${env:MY_KEY}', temperature: 0.2}",
                  {"MY_KEY": "sk-test-not-real"})
    assert type(model).__name__ == "ChatAnthropic"
    assert model.model == "claude-sonnet-4-5"
    assert model.temperature == 0.2
    assert "sk-test-not-real" not in repr(model)


@pytest.mark.parametrize("provider", ["openai", "openai-compatible"])
def test_missing_package_names_the_pip_command(tmp_path, provider, monkeypatch) -> None:
    # whether or not langchain-openai is installed here (langmem brings it to the tests)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "langchain_openai" else real(name, *a))
    body = "  model: gpt-4o-mini\n          config: {baseUrl: 'http://127.0.0.1:8000/v1'}" \
        if provider == "openai-compatible" else "  model: gpt-4o-mini"
    with pytest.raises(PluginError, match="pip install langchain-openai"):
        build(tmp_path, provider, body, {"OPENAI_API_KEY": "x"})


def test_openai_compatible_embeddings_build_the_upstream_class(tmp_path) -> None:
    """An `Embeddings` document on a local OpenAI-compatible server: LangChain's own class,
    the key never in its repr; without `baseUrl`, an error that says so."""
    from stable_harness.records import Slot

    ws = load_workspace(model_ws(tmp_path, "openai-compatible",
                                 "  model: nomic\n          config: {baseUrl: "
                                 "'http://127.0.0.1:8000/v1'}"), environ={"OPENAI_API_KEY": "x"})
    record = ws.plugins.registry(Slot.EMBEDDINGS_PROVIDER).get("openai-compatible").record
    made = record.create({"baseUrl": "http://127.0.0.1:8000/v1",
                          "apiKey": "sk-embed-not-real"}, model="nomic-embed", dims=768)
    assert type(made).__name__ == "OpenAIEmbeddings"
    assert made.model == "nomic-embed"
    assert "sk-embed-not-real" not in repr(made)
    with pytest.raises(PluginError, match="baseUrl"):
        record.create({}, model="nomic-embed", dims=768)


@pytest.mark.skipif(importlib.util.find_spec("langchain_ollama") is not None,
                    reason="langchain-ollama is installed here")
def test_ollama_missing_package(tmp_path) -> None:
    with pytest.raises(PluginError, match="pip install langchain-ollama"):
        build(tmp_path, "ollama", "  model: llama3.1", {})


def test_model_id_is_required(tmp_path) -> None:
    with pytest.raises(PluginError,
                       match=r"`spec\.model` is required, e\.g\. `model: gpt-4o-mini`"):
        build(tmp_path, "openai", "", {"OPENAI_API_KEY": "x"})


def test_openai_compatible_needs_a_base_url_at_validation(tmp_path) -> None:
    with pytest.raises(WorkspaceError) as info:
        load_workspace(model_ws(tmp_path, "openai-compatible", "  model: m"), environ={})
    [diag] = info.value.diagnostics
    assert diag.code == "plugin-config"
    assert diag.path == "spec.config.baseUrl"


def test_missing_env_key_is_a_validation_error(tmp_path) -> None:
    with pytest.raises(WorkspaceError) as info:
        load_workspace(model_ws(tmp_path, "openai", "  model: m\n"
                                "          config: {apiKey: '${env:NOPE_KEY}'}"), environ={})
    assert "NOPE_KEY" in str(info.value)
