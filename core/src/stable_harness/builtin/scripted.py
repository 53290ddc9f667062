"""Built-in plugin ``scripted``: a deterministic, offline chat model that plays back a script.

It exists because development machines and CI cannot reach model APIs, and it is a feature for
users' own tests and demos. The script format is `ScriptedModelConfig`; the model is built lazily.
"""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import EmbeddingsProviderRecord, ModelProviderRecord, Support


@hookimpl
def stable_harness_register_model_providers() -> Sequence[ModelProviderRecord]:
    return [
        ModelProviderRecord(
            name="scripted",
            factory="stable_harness.builtin.scripted_model:make_scripted_model",
            summary="Deterministic offline model that plays back a script from YAML",
            config_model="stable_harness.builtin.config:ScriptedModelConfig",
            capabilities={"tool_calling": Support.NATIVE, "streaming": Support.NATIVE},
        )
    ]


@hookimpl
def stable_harness_register_embeddings_providers() -> Sequence[EmbeddingsProviderRecord]:
    return [
        EmbeddingsProviderRecord(
            name="hash",
            factory="stable_harness.memory.embeddings:HashEmbeddings",
            summary="Deterministic offline embeddings (hashed words): for tests and demos",
        )
    ]
