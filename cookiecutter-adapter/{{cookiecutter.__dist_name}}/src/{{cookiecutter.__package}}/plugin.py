"""Registration of `{{ cookiecutter.plugin_name }}` ({{ cookiecutter.slot }} slot). Keep this module light: the
record names the implementation by import path, so `stable-harness --help`, `validate` and
`plugins list` never import it."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
{%- if cookiecutter.slot == "backend" %}
from stable_harness.records import BackendRecord, Support

NAME = "{{ cookiecutter.plugin_name }}"


@hookimpl
def stable_harness_register_backends() -> Sequence[BackendRecord]:
    return [
        BackendRecord(
            name=NAME,
            factory="{{ cookiecutter.__package }}.adapter:{{ cookiecutter.__class_prefix }}Adapter",
            summary="{{ cookiecutter.description }}",
            config_model="{{ cookiecutter.__package }}.adapter:{{ cookiecutter.__class_prefix }}Options",
            # What the runtime may rely on. `unsupported` makes validation refuse an agent
            # that asks for it; change a value only with the contract suite passing.
            capabilities={
                "streaming": Support.WRAPPED,
                "approvals": Support.WRAPPED,
                "resume": Support.WRAPPED,
                "cancellation": Support.WRAPPED,
                "tools": Support.WRAPPED,
                "subagents": Support.UNSUPPORTED,
                "skills": Support.UNSUPPORTED,
                "memory": Support.UNSUPPORTED,
                "mcp": Support.UNSUPPORTED,
                "custom_graph": Support.UNSUPPORTED,
                "graph_overlay": Support.UNSUPPORTED,
            },
            agent_fields=frozenset({"entrypoint"}),
            required_agent_fields=frozenset({"entrypoint"}),
        )
    ]
{%- elif cookiecutter.slot == "model-provider" %}
from stable_harness.records import ModelProviderRecord

NAME = "{{ cookiecutter.plugin_name }}"


@hookimpl
def stable_harness_register_model_providers() -> Sequence[ModelProviderRecord]:
    return [
        ModelProviderRecord(
            name=NAME,
            factory="{{ cookiecutter.__package }}.model:make_chat_model",
            summary="{{ cookiecutter.description }}",
            config_model="{{ cookiecutter.__package }}.model:{{ cookiecutter.__class_prefix }}Config",
        )
    ]
{%- elif cookiecutter.slot == "tool-registry" %}
from stable_harness.records import ToolRegistryRecord

NAME = "{{ cookiecutter.plugin_name }}"


@hookimpl
def stable_harness_register_tool_registries() -> Sequence[ToolRegistryRecord]:
    return [
        ToolRegistryRecord(
            name=NAME,
            factory="{{ cookiecutter.__package }}.registry:{{ cookiecutter.__class_prefix }}Registry",
            summary="{{ cookiecutter.description }}",
            config_model="{{ cookiecutter.__package }}.registry:{{ cookiecutter.__class_prefix }}ToolConfig",
        )
    ]
{%- elif cookiecutter.slot == "memory-store" %}
from stable_harness.records import MemoryStoreRecord

NAME = "{{ cookiecutter.plugin_name }}"


@hookimpl
def stable_harness_register_memory_stores() -> Sequence[MemoryStoreRecord]:
    return [
        MemoryStoreRecord(
            name=NAME,
            factory="{{ cookiecutter.__package }}.memory:{{ cookiecutter.__class_prefix }}MemoryStore",
            summary="{{ cookiecutter.description }}",
            config_model="{{ cookiecutter.__package }}.memory:{{ cookiecutter.__class_prefix }}Config",
        )
    ]
{%- elif cookiecutter.slot == "run-store" %}
from stable_harness.records import RunStoreRecord

NAME = "{{ cookiecutter.plugin_name }}"


@hookimpl
def stable_harness_register_run_stores() -> Sequence[RunStoreRecord]:
    return [
        RunStoreRecord(
            name=NAME,
            factory="{{ cookiecutter.__package }}.store:{{ cookiecutter.__class_prefix }}RunStore",
            summary="{{ cookiecutter.description }}",
            config_model="{{ cookiecutter.__package }}.store:{{ cookiecutter.__class_prefix }}Config",
        )
    ]
{%- elif cookiecutter.slot == "policy" %}
from stable_harness.records import PolicyRecord

NAME = "{{ cookiecutter.plugin_name }}"


@hookimpl
def stable_harness_register_policies() -> Sequence[PolicyRecord]:
    return [
        PolicyRecord(
            name=NAME,
            factory="{{ cookiecutter.__package }}.policy:{{ cookiecutter.__class_prefix }}Policy",
            summary="{{ cookiecutter.description }}",
            config_model="{{ cookiecutter.__package }}.policy:{{ cookiecutter.__class_prefix }}Config",
        )
    ]
{%- elif cookiecutter.slot == "event-sink" %}
from stable_harness.records import EventSinkRecord

NAME = "{{ cookiecutter.plugin_name }}"


@hookimpl
def stable_harness_register_event_sinks() -> Sequence[EventSinkRecord]:
    return [
        EventSinkRecord(
            name=NAME,
            factory="{{ cookiecutter.__package }}.sink:{{ cookiecutter.__class_prefix }}Sink",
            summary="{{ cookiecutter.description }}",
            config_model="{{ cookiecutter.__package }}.sink:{{ cookiecutter.__class_prefix }}Config",
        )
    ]
{%- elif cookiecutter.slot == "surface" %}
from stable_harness.records import SurfaceRecord

NAME = "{{ cookiecutter.plugin_name }}"


@hookimpl
def stable_harness_register_surfaces() -> Sequence[SurfaceRecord]:
    return [
        SurfaceRecord(
            name=NAME,
            factory="{{ cookiecutter.__package }}.surface:{{ cookiecutter.__class_prefix }}Surface",
            summary="{{ cookiecutter.description }}",
            config_model="{{ cookiecutter.__package }}.surface:{{ cookiecutter.__class_prefix }}Config",
            default_port=8650,
        )
    ]
{%- endif %}
