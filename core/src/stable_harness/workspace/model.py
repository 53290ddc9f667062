"""A loaded, validated workspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from stable_harness.plugins.manager import PluginHost
from stable_harness.workspace.kinds import (
    AgentDoc,
    Envelope,
    ModelDoc,
    RuntimeSpec,
    ToolDoc,
    WorkflowDoc,
)
from stable_harness.workspace.yaml_source import SourceDocument

DocT = TypeVar("DocT", bound=Envelope)


@dataclass(frozen=True)
class Entry(Generic[DocT]):
    """A validated document and where it was read from."""

    doc: DocT
    source: SourceDocument

    @property
    def subject(self) -> str:
        """``Kind/name``."""
        return f"{self.doc.kind}/{self.doc.metadata.name}"  # type: ignore[attr-defined]

    @property
    def where(self) -> str:
        """``file:line`` of the document."""
        return f"{self.source.file}:{self.source.line_of(())}"


@dataclass
class Workspace:
    """Every document by kind and name, the runtime settings, and the loaded plugins."""

    root: Path
    documents: dict[str, dict[str, Entry[Any]]]
    plugins: PluginHost
    warnings: list[str] = field(default_factory=list)
    _compiled: dict[str, Entry[AgentDoc]] = field(default_factory=dict, repr=False)

    def of_kind(self, kind: str) -> dict[str, Entry[Any]]:
        """Documents of one kind, by name."""
        return self.documents.get(kind, {})

    @property
    def runtime(self) -> RuntimeSpec:
        """The Runtime spec, or the defaults when the workspace has no Runtime."""
        entries = list(self.of_kind("Runtime").values())
        return entries[0].doc.spec if entries else RuntimeSpec()

    @property
    def agents(self) -> dict[str, Entry[AgentDoc]]:
        return self.of_kind("Agent")

    @property
    def models(self) -> dict[str, Entry[ModelDoc]]:
        return self.of_kind("Model")

    @property
    def tools(self) -> dict[str, Entry[ToolDoc]]:
        return self.of_kind("Tool")

    @property
    def workflows(self) -> dict[str, Entry[WorkflowDoc]]:
        return self.of_kind("Workflow")

    def agent_entry(self, name: str) -> Entry[AgentDoc] | None:
        """Agent ``name``; or Workflow ``name`` as the agent spec its dispatching backend
        compiles (the ``agent`` of a workflow run); else None. A workflow no backend can
        dispatch raises :class:`~stable_harness.errors.InvalidRequestError`."""
        found = self.agents.get(name)
        if found is not None or name not in self.workflows:
            return found
        if name not in self._compiled:
            from stable_harness.workspace.workflows import as_agent

            self._compiled[name] = as_agent(self, self.workflows[name])
        return self._compiled[name]

    def counts(self) -> dict[str, int]:
        """Number of documents per kind."""
        return {kind: len(entries) for kind, entries in self.documents.items() if entries}

    def summary(self) -> str:
        """One line, e.g. ``workspace demo is valid: 1 Runtime, 1 Agent, 1 Model, 1 Tool``."""
        parts = [f"{n} {kind}" for kind, n in self.counts().items()]
        return f"workspace {self.root.name} is valid: " + (", ".join(parts) or "no documents")
