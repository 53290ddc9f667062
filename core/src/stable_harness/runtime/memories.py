"""The workspace's memory stores for one runtime: each ``kind: Memory`` document's store,
opened on first use and shared by every run, and a run's governed view of its agent's."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from stable_harness.errors import StableHarnessError
from stable_harness.records import Slot
from stable_harness.runtime.memory_access import GovernedMemory, template_fields
from stable_harness.secrets import resolve as resolve_secrets

if TYPE_CHECKING:
    from stable_harness.memory.contract import MemoryStore
    from stable_harness.runtime.context import RunContext
    from stable_harness.secrets import Redactor
    from stable_harness.workspace.kinds import MemorySpec
    from stable_harness.workspace.model import Workspace


class Memories:
    """Memory stores by ``Memory`` document name."""

    def __init__(self, workspace: Workspace, redactor: Redactor) -> None:
        self.workspace = workspace
        self.redactor = redactor
        self._stores: dict[str, MemoryStore] = {}
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
                self._stores[name] = store
            return store

    async def bind(self, ctx: RunContext) -> GovernedMemory | None:
        """The governed memory of ``ctx``'s run (None when its agent has no policy)."""
        entry = self.workspace.agent_entry(ctx.agent)
        name = None if entry is None else entry.doc.spec.memory
        if name is None:
            return None
        run = ctx.run
        fields = template_fields(run.agent, run.session_id, run.memory)
        return GovernedMemory(name, self.spec(name), await self.store(name), ctx,
                              self.redactor, fields)

    async def close(self) -> None:
        stores, self._stores = self._stores, {}
        for store in stores.values():
            await store.close()
