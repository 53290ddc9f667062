"""The workspace's memory stores for one runtime: each ``kind: Memory`` document's store,
opened on first use and shared by every run, and a run's governed view of its agent's."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING, Any

from stable_harness.errors import StableHarnessError
from stable_harness.memory.embeddings import Embedder, indexed_text
from stable_harness.records import Slot
from stable_harness.runtime.memory_access import GovernedMemory, template_fields
from stable_harness.secrets import resolve as resolve_secrets

if TYPE_CHECKING:
    from stable_harness.memory.contract import MemoryItem, MemoryStore
    from stable_harness.runtime.context import RunContext
    from stable_harness.secrets import Redactor
    from stable_harness.workspace.memory_kinds import MemorySpec
    from stable_harness.workspace.model import Workspace


class Memories:
    """Memory stores by ``Memory`` document name."""

    def __init__(self, workspace: Workspace, redactor: Redactor) -> None:
        self.workspace = workspace
        self.redactor = redactor
        self._stores: dict[str, MemoryStore] = {}
        self._embedders: dict[str, Embedder] = {}
        self._lock = asyncio.Lock()

    def spec(self, name: str) -> MemorySpec:
        """The ``Memory`` document ``name``'s spec."""
        entry = self.workspace.of_kind("Memory").get(name)
        if entry is None:
            known = ", ".join(sorted(self.workspace.of_kind("Memory"))) or "none"
            raise StableHarnessError(f"no Memory '{name}' in this workspace (known: {known})")
        spec: MemorySpec = entry.doc.spec
        return spec

    async def store(self, name: str) -> MemoryStore:
        """The opened store of ``Memory`` ``name``."""
        async with self._lock:
            store = self._stores.get(name)
            if store is None:
                ref = self.spec(name).store
                record = self.workspace.plugins.registry(Slot.MEMORY_STORE).get(ref.use).record
                store = record.create(resolve_secrets(ref.config), base=self.workspace.root)
                await store.open()
                index = self.spec(name).index
                if index is not None:
                    if not getattr(store, "supports_vectors", False):
                        await store.close()
                        raise StableHarnessError(
                            f"Memory/{name} has an index, but its store '{ref.use}' has no "
                            "semantic search; use the built-in `sqlite` store")
                    dims = self._embeddings_spec(index.embeddings).dims
                    await store.ensure_index(dims)
                self._stores[name] = store
            return store

    def _embeddings_spec(self, name: str) -> Any:
        entry = self.workspace.of_kind("Embeddings").get(name)
        if entry is None:
            raise StableHarnessError(f"no Embeddings '{name}' in this workspace")
        return entry.doc.spec

    def embedder(self, name: str) -> Embedder | None:
        """The embeddings of ``Memory`` ``name``'s index (None without one)."""
        index = self.spec(name).index
        if index is None:
            return None
        made = self._embedders.get(index.embeddings)
        if made is None:
            spec = self._embeddings_spec(index.embeddings)
            record = self.workspace.plugins.registry(Slot.EMBEDDINGS_PROVIDER).get(
                spec.provider).record
            made = record.create(resolve_secrets(spec.config), model=spec.model, dims=spec.dims)
            self._embedders[index.embeddings] = made
        return made

    async def vectors(self, name: str, values: list[dict[str, Any]]) -> list[list[float]] | None:
        """The index vectors of ``values`` for ``Memory`` ``name`` (None without an index)."""
        embedder = self.embedder(name)
        index = self.spec(name).index
        if embedder is None or index is None:
            return None
        texts = [indexed_text(v, index.fields) for v in values]
        vectors = await embedder.aembed_documents(texts)
        dims = self._embeddings_spec(index.embeddings).dims
        for vector in vectors:
            if len(vector) != dims:
                raise StableHarnessError(
                    f"Embeddings/{index.embeddings} gave a vector of {len(vector)} floats, "
                    f"not the {dims} its spec.dims says")
        return [list(map(float, v)) for v in vectors]

    async def put(self, name: str, namespace: tuple[str, ...], key: str,
                  value: dict[str, Any], ttl_seconds: float | None = None) -> None:
        """An operator's write to ``Memory`` ``name`` (no write rules: there is no run to
        park), redacted of secrets and embedded like a run's."""
        store = await self.store(name)
        clean = self.redactor.tree(value)
        ttl = ttl_seconds if ttl_seconds is not None else self.spec(name).ttl_seconds
        vectors = await self.vectors(name, [clean])
        extra = {} if vectors is None else {"vector": vectors[0]}
        await store.put(namespace, key, clean, ttl_seconds=ttl, **extra)

    async def restore(self, name: str, items: list[MemoryItem]) -> None:
        """Import ``items`` into ``Memory`` ``name``: redacted of secrets, times kept, and
        embedded when it has an index."""
        store = await self.store(name)
        items = [dataclasses.replace(i, value=self.redactor.tree(i.value)) for i in items]
        await store.restore(items)
        vectors = await self.vectors(name, [i.value for i in items])
        if vectors is not None:
            await store.set_vectors(  # type: ignore[attr-defined]
                [(i.namespace, i.key, v) for i, v in zip(items, vectors, strict=True)])

    async def bind(self, ctx: RunContext) -> GovernedMemory | None:
        """The governed memory of ``ctx``'s run (None when its agent has no policy)."""
        entry = self.workspace.agent_entry(ctx.agent)
        name = None if entry is None else entry.doc.spec.memory
        if name is None:
            return None
        run = ctx.run
        fields = template_fields(run.agent, run.session_id, run.memory)
        return GovernedMemory(name, self.spec(name), await self.store(name), ctx,
                              self.redactor, fields, self)

    async def close(self) -> None:
        stores, self._stores = self._stores, {}
        for store in stores.values():
            await store.close()
