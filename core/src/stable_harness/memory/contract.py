"""The memory store contract: long-term memories as JSON objects under hierarchical
namespaces, shaped like LangGraph's ``BaseStore`` (``put``/``get``/``delete``/``search``/
``list_namespaces``) so a store can back a LangGraph store and the reverse.

A namespace is a non-empty tuple of non-empty labels (``("users", "u-42", "prefs")``);
``search`` and ``list_namespaces`` match prefixes label by label, never by string prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

Namespace = tuple[str, ...]


@dataclass(frozen=True)
class MemoryItem:
    """One stored memory. Times are epoch seconds; ``expires_at`` None never expires;
    ``score`` is the similarity to the query of a semantic search (1: the same direction)."""

    namespace: Namespace
    key: str
    value: dict[str, Any]
    created_at: float
    updated_at: float
    expires_at: float | None = None
    score: float | None = None


def check_key(namespace: Namespace, key: str | None = None) -> None:
    """Raise ``ValueError`` naming what is wrong with ``namespace`` (and ``key``)."""
    if not isinstance(namespace, tuple) or not namespace:
        raise ValueError(f"namespace must be a non-empty tuple of labels, got {namespace!r}")
    for label in namespace:
        if not isinstance(label, str) or not label or "\x1f" in label:
            raise ValueError(f"namespace label {label!r} must be a non-empty string "
                             f"(without \\x1f) in {namespace!r}")
    if key is not None and (not isinstance(key, str) or not key):
        raise ValueError(f"memory key must be a non-empty string, got {key!r}")


@runtime_checkable
class MemoryStore(Protocol):
    """What a memory-store factory returns (``factory(config, base=<workspace folder>)``)."""

    async def open(self) -> None:
        """Create or migrate storage; called once before any other method."""

    async def close(self) -> None:
        """Release connections."""

    async def put(self, namespace: Namespace, key: str, value: Mapping[str, Any], *,
                  ttl_seconds: float | None = None) -> None:
        """Store ``value`` (a JSON object) at ``namespace``/``key``, replacing what was there
        (``created_at`` stays, ``updated_at`` moves); with ``ttl_seconds`` it expires that
        long after this write. Bad namespaces, keys or values raise ``ValueError`` and store
        nothing."""

    async def get(self, namespace: Namespace, key: str) -> MemoryItem | None:
        """The item, or None (also when it has expired)."""

    async def delete(self, namespace: Namespace, key: str) -> None:
        """Remove the item; no error when it is absent."""

    async def search(self, prefix: Namespace, *, filter: Mapping[str, Any] | None = None,
                     limit: int = 10, offset: int = 0) -> list[MemoryItem]:
        """Items in ``prefix`` or below (``()``: all) that match ``filter``
        (:mod:`stable_harness.memory.filters`: LangGraph's semantics, operators included),
        most recently updated first; expired items are left out."""

    async def list_namespaces(self, prefix: Namespace = (), limit: int = 100
                              ) -> list[Namespace]:
        """Namespaces holding items, at or below ``prefix``, sorted."""

    async def expire(self, now: float | None = None) -> int:
        """Delete the items whose time to live has passed; return how many."""

    async def restore(self, items: list[MemoryItem]) -> None:
        """Store ``items`` exactly as given (times included), replacing what is at their
        keys, in one transaction: an import of an export reads back the same."""


@runtime_checkable
class VectorMemoryStore(MemoryStore, Protocol):
    """A memory store with a semantic index (``supports_vectors``): what a policy with
    ``index`` needs. ``put(..., vector=)`` stores an item's vector with it (atomically);
    ``search(..., vector=)`` ranks the prefix's live, matching items by similarity."""

    supports_vectors: bool

    async def ensure_index(self, dims: int) -> None:
        """Keep vectors of ``dims`` floats (refusing another size than the one kept)."""
