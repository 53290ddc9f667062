"""Typed records that registration hooks return, one class per capability slot.

A record names an implementation (``name`` is what YAML writes), says how to build it
(``factory``, imported lazily), which configuration it accepts (``config_model``) and what it
can do (``capabilities``). The core attaches provenance when it builds a registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from stable_harness.errors import PluginError

if TYPE_CHECKING:
    from pydantic import BaseModel


class Slot(StrEnum):
    """The capability slots a plugin can fill."""

    BACKEND = "backend"
    MODEL_PROVIDER = "model provider"
    EMBEDDINGS_PROVIDER = "embeddings provider"
    TOOL_REGISTRY = "tool registry"
    TOOL_SOURCE = "tool source"
    MEMORY_STORE = "memory store"
    RUN_STORE = "run store"
    POLICY = "policy"
    EVENT_SINK = "event sink"
    SURFACE = "protocol surface"


class Support(StrEnum):
    """How an implementation provides a capability.

    ``native``: the upstream framework owns it and we pass it through; ``wrapped``: the runtime
    adds lifecycle around it; ``unsupported``: asking for it is a validation error.
    """

    NATIVE = "native"
    WRAPPED = "wrapped"
    UNSUPPORTED = "unsupported"


Factory = str | Callable[..., Any]
"""Either ``"package.module:attr"`` (imported on first use) or a callable."""


def import_path(path: str) -> Any:
    """Import ``"package.module:attr"`` and return the attribute."""
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


@dataclass(frozen=True, kw_only=True)
class PluginRecord:
    """Base of every registration record.

    :param name: the name YAML uses to select this implementation (lowercase, ``[a-z0-9_-]``).
    :param factory: ``"module:attr"`` or a callable taking the validated config model instance.
        A string keeps heavy imports out of ``--help``, ``validate`` and ``plugins list``.
    :param summary: one line shown by ``stable-harness plugins list``.
    :param config_model: pydantic model validating the YAML ``config`` section, or its
        ``"module:Class"`` path (keeps pydantic out of CLI start-up); ``None`` accepts no keys.
    :param capabilities: declared support per capability name.
    """

    slot: ClassVar[Slot]

    name: str
    factory: Factory
    summary: str
    config_model: type[BaseModel] | str | None = None
    capabilities: Mapping[str, Support] = field(default_factory=dict)

    def _resolve(self, what: str, path: str) -> Any:
        try:
            return import_path(path)
        except (ImportError, AttributeError) as exc:
            raise PluginError(
                f"{self.slot} '{self.name}': {what} {path} cannot be imported: "
                f"{type(exc).__name__}: {exc}"
            ) from exc

    def load_factory(self) -> Callable[..., Any]:
        """Return the factory callable, importing it if it was given as a string."""
        if isinstance(self.factory, str):
            return self._resolve("factory", self.factory)  # type: ignore[no-any-return]
        return self.factory

    def config_class(self) -> type[BaseModel]:
        """The config model class, importing it if it was given as a string."""
        if isinstance(self.config_model, str):
            return self._resolve("config model", self.config_model)  # type: ignore[no-any-return]
        if self.config_model is None:
            from stable_harness.builtin.config import NoConfig

            return NoConfig
        return self.config_model

    def create(self, config: Mapping[str, Any] | None = None, **context: Any) -> Any:
        """Validate ``config`` with the config model and call the factory with the result
        (and ``context``: ``base=``, ``agent=``… as the slot's hook documents)."""
        validated = self.config_class().model_validate(dict(config or {}))
        return self.load_factory()(validated, **context)


@dataclass(frozen=True, kw_only=True)
class BackendRecord(PluginRecord):
    """An execution backend adapter (``Agent.spec.backend``).

    :param agent_fields: optional ``Agent.spec`` fields this backend understands
        (e.g. ``entrypoint``, ``graph``, ``edges``, ``subagents``); setting one it does not list
        is a validation error.
    :param required_agent_fields: ``Agent.spec`` fields that must be set for this backend.
    """

    slot: ClassVar[Slot] = Slot.BACKEND

    agent_fields: frozenset[str] = frozenset()
    required_agent_fields: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True)
class ModelProviderRecord(PluginRecord):
    """A chat model provider (``Model.spec.provider``)."""

    slot: ClassVar[Slot] = Slot.MODEL_PROVIDER


@dataclass(frozen=True, kw_only=True)
class EmbeddingsProviderRecord(PluginRecord):
    """An embeddings provider (``Embeddings.spec.provider``): ``factory(config, model=,
    dims=)`` returns an object with LangChain's ``Embeddings`` interface
    (:class:`stable_harness.memory.embeddings.Embedder`)."""

    slot: ClassVar[Slot] = Slot.EMBEDDINGS_PROVIDER


@dataclass(frozen=True, kw_only=True)
class ToolRegistryRecord(PluginRecord):
    """A source of tools (``Tool.spec.registry``).

    :param required_tool_fields: ``Tool.spec`` fields that must be set (e.g. ``entrypoint``).
    """

    slot: ClassVar[Slot] = Slot.TOOL_REGISTRY

    required_tool_fields: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True)
class ToolSourceRecord(PluginRecord):
    """A kind of server whose tools are discovered when it is connected (``kind: McpServer``
    documents use the source named ``mcp``). ``factory(config, name=, spec=, root=,
    secret=)`` returns a :class:`~stable_harness.tools.sources.ToolSource`."""

    slot: ClassVar[Slot] = Slot.TOOL_SOURCE


@dataclass(frozen=True, kw_only=True)
class MemoryStoreRecord(PluginRecord):
    """A long-term memory store (``Memory.spec.store.use``)."""

    slot: ClassVar[Slot] = Slot.MEMORY_STORE


@dataclass(frozen=True, kw_only=True)
class RunStoreRecord(PluginRecord):
    """The store of runs, sessions, events and approvals (``Runtime.spec.store.use``)."""

    slot: ClassVar[Slot] = Slot.RUN_STORE


@dataclass(frozen=True, kw_only=True)
class PolicyRecord(PluginRecord):
    """A sandbox or approval policy (``Runtime.spec.policies[].use``); deny wins."""

    slot: ClassVar[Slot] = Slot.POLICY


@dataclass(frozen=True, kw_only=True)
class EventSinkRecord(PluginRecord):
    """A projection of the event stream (``Runtime.spec.eventSinks[].use``)."""

    slot: ClassVar[Slot] = Slot.EVENT_SINK


@dataclass(frozen=True, kw_only=True)
class SurfaceRecord(PluginRecord):
    """A protocol surface (a key of ``Runtime.spec.protocols``).

    ``default_port`` is used when the YAML gives none; ``enabled_by_default`` surfaces start
    with ``stable-harness start`` unless the YAML disables them; a ``takes_bare_port``
    surface gets a bare ``start --port N`` when several are enabled (the OpenAI-compatible
    one, as the seed's ``start --port 8642`` means). ``factory(config)`` returns a
    :class:`~stable_harness.surfaces.Surface`.

    A surface ``mounted_on`` another one has no port of its own: it is served at
    ``mount_path`` by that surface's server, behind its token and limits, and its factory
    returns a :class:`~stable_harness.surfaces.MountedSurface` (the MCP surface at ``/mcp``
    on ``http``)."""

    slot: ClassVar[Slot] = Slot.SURFACE
    default_port: int | None = None
    enabled_by_default: bool = False
    takes_bare_port: bool = False
    mounted_on: str | None = None
    mount_path: str | None = None


@dataclass(frozen=True)
class PluginInfo:
    """Where a loaded plugin comes from; the core attaches it to every record."""

    name: str
    distribution: str
    version: str
    builtin: bool

    def describe(self) -> str:
        """``distribution version (plugin name)``, used in error messages."""
        return f"{self.distribution} {self.version} (plugin '{self.name}')"


@dataclass(frozen=True)
class Registered:
    """A record together with the plugin that provided it."""

    record: PluginRecord
    plugin: PluginInfo
