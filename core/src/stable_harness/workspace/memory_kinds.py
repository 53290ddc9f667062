"""The models of memory in a workspace: `kind: Memory` policies, `kind: Embeddings`, and the
memory jobs `start` schedules (docs/memory.md)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from stable_harness.workspace.kind_base import Base, PluginRef


class MemoryStoreRef(PluginRef):
    """A memory store (slot `memory store`)."""


class EmbeddingsSpec(Base):
    """An embeddings model, for semantic memory search (`Memory.spec.index`)."""

    provider: str = Field(description="Embeddings provider (`hash` is built in: "
                                      "deterministic, offline).")
    model: str | None = Field(None, description="Upstream model identifier, if any.")
    dims: int = Field(ge=2, le=8192, description="Length of its vectors.")
    config: dict[str, Any] = Field(
        default_factory=dict, description="Provider configuration, validated by the provider."
    )


# labels separated by `/`, each text with `{field}` placeholders (no braces otherwise)
_LABEL = r"[^/{}\s]*(\{[A-Za-z_][A-Za-z0-9_]*\}[^/{}\s]*)*"
NAMESPACE_TEMPLATE = rf"^{_LABEL}(/{_LABEL})*$"


def _labels(value: str | None) -> str | None:
    if value is not None and any(not label for label in value.split("/")):
        raise ValueError(f"namespace template {value!r} has an empty label")
    return value


class MemoryRecall(Base):
    """What a run is given from memory before it starts."""

    limit: int = Field(5, ge=0, le=100, description="How many items, newest first.")
    namespaces: list[str] = Field(default_factory=list, description=(
        "Namespace templates to recall from (default: the policy's namespace)."))
    prompt: bool = Field(False, description=(
        "Also put the recalled items in a system message before the input (LangGraph-based "
        "backends); they are in the store and the run's events either way."))

    @field_validator("namespaces")
    @classmethod
    def _templates(cls, value: list[str]) -> list[str]:
        for template in value:
            if not re.fullmatch(NAMESPACE_TEMPLATE, template):
                raise ValueError(f"{template!r} is not a namespace template (labels "
                                 "separated by `/`, fields as `{name}`)")
            _labels(template)
        return value


class MemoryWriteRule(Base):
    """Whether writes (and deletes) under a namespace are allowed."""

    namespace: str = Field(pattern=NAMESPACE_TEMPLATE, description=(
        "Namespace template; the rule covers it and everything below it."))
    action: Literal["allow", "deny", "approval"] = Field(description=(
        "`approval`: a human decides, seeing the item (approve, edit, reject)."))

    _check = field_validator("namespace")(classmethod(lambda cls, v: _labels(v)))


class MemoryLimits(Base):
    """Limits per namespace."""

    max_items: int | None = Field(None, ge=1, description="Most items in one namespace.")
    max_value_bytes: int | None = Field(None, ge=1, description="Largest value, as JSON.")


class MemoryIndex(Base):
    """A semantic index: items are embedded when written, queries when searched."""

    embeddings: str = Field(description="Name of an `Embeddings` document.")
    fields: list[str] = Field(default_factory=list, description=(
        "Value fields to embed (dotted paths); default: every text in the value."))


class MemorySpec(Base):
    """A long-term memory policy: the store, the namespaces a run uses, what it recalls,
    which writes need a decision, and how long items live."""

    store: MemoryStoreRef = Field(description="Memory store implementation and its config.")
    index: MemoryIndex | None = Field(None, description=(
        "Semantic search (the store must support vectors; the built-in `sqlite` does, with "
        "sqlite-vec). Recall and `query` searches then rank by similarity."))
    namespace: str | None = Field(None, pattern=NAMESPACE_TEMPLATE, description=(
        "Namespace template, labels separated by `/`, filled from the request only: "
        "`{agent}`, `{sessionId}` and the keys of the request's `memory` scope (e.g. "
        "`users/{user}`). Default: the memory's name."))
    recall: MemoryRecall | None = Field(None, description="Items handed to a run before it "
                                                          "starts.")
    writes: list[MemoryWriteRule] = Field(default_factory=list, description=(
        "Write rules, first match wins; namespaces no rule covers use `defaultWrite`."))
    default_write: Literal["allow", "deny", "approval"] = Field(
        "allow", description="What a write no rule covers gets.")
    ttl_seconds: float | None = Field(None, gt=0, description=(
        "Items expire this long after they are written (reads skip them; "
        "`stable-harness memory expire` deletes them)."))
    limits: MemoryLimits = Field(default_factory=MemoryLimits, description="Size limits.")
    consolidate: str | None = Field(None, description=(
        "Agent that consolidates this memory (`stable-harness memory consolidate`): a run of "
        "its own, given the namespace's items, that writes and deletes through this policy."))

    _check = field_validator("namespace")(classmethod(lambda cls, v: _labels(v)))


class MemoryMaintenance(Base):
    """How often `start` runs the memory jobs on every `Memory` (none when unset)."""

    expire_every_seconds: float | None = Field(None, ge=1, description=(
        "Delete expired items this often."))
    compact_every_seconds: float | None = Field(None, ge=1, description=(
        "Delete duplicate items (same value in one namespace) this often."))


class MaintenanceSpec(Base):
    """Scheduled maintenance while `start` serves."""

    memory: MemoryMaintenance = Field(default_factory=MemoryMaintenance,
                                      description="Memory jobs.")


