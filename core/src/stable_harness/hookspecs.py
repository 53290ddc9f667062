"""Every hook specification of stable-harness: the one place to read the plugin contract.

Hooks are grouped by family. Registration hooks return typed, named records (see
:mod:`stable_harness.records`); the core builds one registry per slot from them and resolves the
names the workspace YAML gives. ``firstresult`` is never used to choose an implementation.

Call hooks with keyword arguments only. Implementations may accept a subset of the arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import typer

    from stable_harness.records import (
        BackendRecord,
        EmbeddingsProviderRecord,
        EventSinkRecord,
        MemoryStoreRecord,
        ModelProviderRecord,
        PolicyRecord,
        RunStoreRecord,
        SurfaceRecord,
        ToolRegistryRecord,
        ToolSourceRecord,
    )

PROJECT = "stable_harness"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --------------------------------------------------------------------------------------------
# Plugin system
# --------------------------------------------------------------------------------------------


@hookspec(historic=True)
def stable_harness_add_hookspecs(pluginmanager: pluggy.PluginManager) -> None:
    """Add hook specifications defined by a plugin, so other plugins can implement them.

    Called once per plugin when it is registered (historic: plugins registered later still get
    the call).

    :param pluginmanager: the manager to call ``add_hookspecs`` on.
    :return: nothing.

    Implemented by: plugins that define hooks of their own. Most plugins never need it.

    Example::

        from stable_harness.hookspecs import hookimpl
        from my_plugin import my_hookspecs

        @hookimpl
        def stable_harness_add_hookspecs(pluginmanager):
            pluginmanager.add_hookspecs(my_hookspecs)
    """


# --------------------------------------------------------------------------------------------
# Backend adapters
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_backends() -> Sequence[BackendRecord]:
    """Register execution backend adapters, selected per agent by ``Agent.spec.backend``.

    A backend adapter translates runtime requests into calls of an upstream framework
    (LangGraph, DeepAgents, the OpenAI Agents SDK, an in-house framework) and maps upstream
    events back to the runtime's event catalogue. It passes upstream semantics through.

    :return: a sequence of :class:`~stable_harness.records.BackendRecord`. Each ``name`` must be
        unique across installed plugins (a clash is an error naming both distributions).
        ``factory`` is called as ``factory(options, agent=AgentBinding)`` with the validated
        ``config_model`` instance (from ``Agent.spec.options``); ``capabilities`` declare
        ``native`` / ``wrapped`` / ``unsupported`` per capability (validation rejects an agent
        that needs an unsupported one); ``agent_fields`` lists the optional ``Agent.spec``
        fields the backend understands.

    Implemented by: backend adapter plugins (``stable-harness-langgraph``, …) and the built-in
    ``python`` backend.

    Example::

        @hookimpl
        def stable_harness_register_backends():
            return [BackendRecord(
                name="my-framework", factory="my_plugin.adapter:MyAdapter",
                summary="Runs agents on My Framework", config_model=MyOptions,
                capabilities={"streaming": Support.NATIVE, "approvals": Support.WRAPPED},
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Model providers
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_model_providers() -> Sequence[ModelProviderRecord]:
    """Register chat model providers, selected per model by ``Model.spec.provider``.

    :return: a sequence of :class:`~stable_harness.records.ModelProviderRecord`. ``factory`` is
        called as ``factory(config, name=<Model name>, model=<Model.spec.model>)`` with the
        validated ``config_model`` instance (from ``Model.spec.config``) and returns a LangChain
        chat model the backends can use.

    Implemented by: provider plugins and the built-in ``scripted`` provider (a deterministic,
    offline model that plays back a script).

    Example::

        @hookimpl
        def stable_harness_register_model_providers():
            return [ModelProviderRecord(
                name="acme", factory="acme_plugin.models:make_chat_model",
                summary="Acme hosted models", config_model=AcmeConfig,
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Embeddings providers
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_embeddings_providers() -> Sequence[EmbeddingsProviderRecord]:
    """Register embeddings providers, selected by ``Embeddings.spec.provider``.

    Memory policies with an ``index`` embed items when they are written and queries when they
    are searched through the named ``Embeddings`` document.

    :return: a sequence of :class:`~stable_harness.records.EmbeddingsProviderRecord`.
        ``factory`` is called as ``factory(config, model=, dims=)`` (the validated
        ``Embeddings.spec.config``, its ``model`` and ``dims``) and returns an object with
        LangChain's ``Embeddings`` interface (``aembed_documents``, ``aembed_query``).

    Implemented by: the built-in ``hash`` provider (deterministic, offline) and
    ``stable-harness-langgraph`` (LangChain's OpenAI, Ollama and OpenAI-compatible
    embeddings).

    Example::

        @hookimpl
        def stable_harness_register_embeddings_providers():
            return [EmbeddingsProviderRecord(
                name="my-embeddings", factory="my_pkg.embed:make",
                summary="Embeddings from my service", config_model=MyConfig,
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Tool registries
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_tool_registries() -> Sequence[ToolRegistryRecord]:
    """Register tool registries, selected per tool by ``Tool.spec.registry``.

    A tool registry turns ``kind: Tool`` entries into callable tools with a JSON Schema. Every
    call of every tool passes the runtime's tool gateway, whatever registry it comes from.

    :return: a sequence of :class:`~stable_harness.records.ToolRegistryRecord`. ``factory`` is
        called with the validated config (from ``Tool.spec.config``).

    Implemented by: the built-in ``python`` registry (``module:function`` tools) and plugins
    such as an MCP registry.

    Example::

        @hookimpl
        def stable_harness_register_tool_registries():
            return [ToolRegistryRecord(
                name="http-tools", factory="http_tools.registry:HttpToolRegistry",
                summary="Tools backed by HTTP endpoints", config_model=HttpToolConfig,
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Tool sources
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_tool_sources() -> Sequence[ToolSourceRecord]:
    """Register tool sources: servers whose tools are discovered when they are connected.

    ``kind: McpServer`` documents use the source named ``mcp``. The runtime connects a source
    when a run of an agent that lists the server starts, shares it between runs, and puts
    every call through the tool gateway, the policies and the ledger, as for a workspace tool.

    :return: a sequence of :class:`~stable_harness.records.ToolSourceRecord`. ``factory`` is
        called once per declared server as ``factory(config, name=, spec=, root=, secret=)``
        and returns a :class:`~stable_harness.tools.sources.ToolSource`.

    Implemented by: ``stable-harness-mcp`` (``mcp``).

    Example::

        @hookimpl
        def stable_harness_register_tool_sources():
            return [ToolSourceRecord(
                name="mcp", factory="stable_harness_mcp.client.source:McpToolSource",
                summary="MCP servers as tool sources",
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Memory stores
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_memory_stores() -> Sequence[MemoryStoreRecord]:
    """Register long-term memory stores, selected by ``Memory.spec.store.use``.

    :return: a sequence of :class:`~stable_harness.records.MemoryStoreRecord`. ``factory`` is
        called with the validated config (from ``Memory.spec.store.config``).

    Implemented by: memory plugins (SQLite, PostgreSQL, a LangGraph store passthrough, …).

    Example::

        @hookimpl
        def stable_harness_register_memory_stores():
            return [MemoryStoreRecord(
                name="redis-memory", factory="redis_memory.store:RedisMemory",
                summary="Memory in Redis", config_model=RedisMemoryConfig,
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Run stores
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_run_stores() -> Sequence[RunStoreRecord]:
    """Register run stores, selected once per runtime by ``Runtime.spec.store.use``.

    The run store is the source of truth for runs, sessions, events, approvals, artifacts and
    the tool-call ledger.

    :return: a sequence of :class:`~stable_harness.records.RunStoreRecord`. ``factory`` is
        called with the validated config (from ``Runtime.spec.store.config``).

    Implemented by: the built-in ``sqlite`` store (the embedded default) and scale-out plugins
    such as PostgreSQL.

    Example::

        @hookimpl
        def stable_harness_register_run_stores():
            return [RunStoreRecord(
                name="postgres", factory="sh_postgres.store:PostgresRunStore",
                summary="Runs in PostgreSQL", config_model=PostgresConfig,
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Sandbox and approval policies
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_policies() -> Sequence[PolicyRecord]:
    """Register sandbox and approval policies, enabled by ``Runtime.spec.policies[].use``.

    Policies are 1:N: every enabled policy judges every tool call; the runtime combines their
    decisions with a documented rule (deny wins over require-approval wins over allow) and
    keeps every reason.

    :return: a sequence of :class:`~stable_harness.records.PolicyRecord`. ``factory`` is called
        with the validated config (from the policy entry's ``config``).

    Implemented by: the built-in policies (file-system roots, network rules, allowlists,
    approval by tag) and policy plugins.

    Example::

        @hookimpl
        def stable_harness_register_policies():
            return [PolicyRecord(
                name="office-hours", factory="office_hours.policy:OfficeHours",
                summary="Deny mutating tools outside office hours", config_model=HoursConfig,
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Event sinks
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_event_sinks() -> Sequence[EventSinkRecord]:
    """Register event sinks, enabled by ``Runtime.spec.eventSinks[].use``.

    The run store is the source of truth; sinks are projections (console, files, tracing
    systems). A failing or slow sink never fails or stalls a run.

    :return: a sequence of :class:`~stable_harness.records.EventSinkRecord`. ``factory`` is
        called with the validated config (from the sink entry's ``config``).

    Implemented by: the built-in ``console`` and ``jsonl`` sinks and observability plugins.

    Example::

        @hookimpl
        def stable_harness_register_event_sinks():
            return [EventSinkRecord(
                name="otel", factory="sh_otel.sink:OtelSink",
                summary="Export events as OpenTelemetry spans", config_model=OtelConfig,
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Protocol surfaces
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_register_surfaces() -> Sequence[SurfaceRecord]:
    """Register protocol surfaces, enabled by keys of ``Runtime.spec.protocols``.

    A surface exposes the runtime over a protocol (native HTTP, OpenAI-compatible,
    LangGraph-compatible, MCP, …). ``stable-harness start`` starts every enabled surface.

    :return: a sequence of :class:`~stable_harness.records.SurfaceRecord`. ``factory`` is called
        with the validated config (from ``Runtime.spec.protocols.<name>.config``).

    Implemented by: protocol plugins such as ``stable-harness-http``.

    Example::

        @hookimpl
        def stable_harness_register_surfaces():
            return [SurfaceRecord(
                name="grpc", factory="sh_grpc.server:GrpcSurface",
                summary="The runtime over gRPC", config_model=GrpcConfig,
            )]
    """
    raise NotImplementedError


# --------------------------------------------------------------------------------------------
# CLI commands
# --------------------------------------------------------------------------------------------


@hookspec
def stable_harness_add_commands(app: typer.Typer) -> None:
    """Add commands or command groups to the ``stable-harness`` CLI.

    Called once when the CLI starts, for every installed plugin that is not blocked. Keep the
    module that implements this hook light: import heavy dependencies inside the command
    function, never at module level, so ``stable-harness --help`` stays fast.

    :param app: the root :class:`typer.Typer` application.
    :return: nothing; register commands on ``app``.

    Implemented by: plugins that bring commands (``stable-harness start`` from the HTTP plugin).

    Example::

        @hookimpl
        def stable_harness_add_commands(app):
            @app.command("hello")
            def hello(name: str) -> None:
                \"\"\"Say hello.\"\"\"
                print(f"hello {name}")
    """
