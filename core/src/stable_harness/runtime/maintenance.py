"""Memory maintenance jobs: expiry and deduplication, run by ``stable-harness memory
expire|compact`` and on a schedule by ``stable-harness start`` (``Runtime.spec.maintenance``).

Deduplication keeps, in each namespace, one item per distinct value: the most recently
updated, so a key an agent still writes to keeps its value; the others are deleted. Values are
compared as canonical JSON (key order does not matter, nothing else is normalised: two items
that differ in any way are both kept)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stable_harness.memory.contract import MemoryStore
    from stable_harness.runtime.memories import Memories

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MaintenanceReport:
    """What one job did to one memory."""

    memory: str
    job: str  # expire | compact
    removed: int

    def to_dict(self) -> dict[str, Any]:
        return {"memory": self.memory, "job": self.job, "removed": self.removed}


async def compact(store: MemoryStore) -> int:
    """Delete duplicate items (see the module docstring); return how many."""
    removed = 0
    for namespace in await store.list_namespaces((), limit=10**9):
        seen: set[str] = set()
        for item in await store.search(namespace, limit=10**9):  # newest first
            if item.namespace != namespace:
                continue  # a deeper namespace: its own turn
            fingerprint = json.dumps(item.value, sort_keys=True, ensure_ascii=False)
            if fingerprint in seen:
                await store.delete(namespace, item.key)
                removed += 1
            else:
                seen.add(fingerprint)
    return removed


async def run_job(memories: Memories, name: str, job: str) -> MaintenanceReport:
    """Run ``job`` (``expire`` or ``compact``) on ``Memory`` ``name``."""
    store = await memories.store(name)
    removed = await store.expire() if job == "expire" else await compact(store)
    return MaintenanceReport(name, job, removed)


async def schedule(memories: Memories, every: dict[str, float],
                   report: Callable[[MaintenanceReport], None]) -> None:
    """Run each job of ``every`` (job → seconds) on every memory, forever, at its interval
    (the first run after one interval); a failing job is logged and retried next time."""
    names = sorted(memories.workspace.of_kind("Memory"))
    if not names or not every:
        return

    async def loop(job: str, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            for name in names:
                try:
                    report(await run_job(memories, name, job))
                except Exception:
                    log.exception("memory %s of %s failed; it runs again in %s s", job,
                                  name, seconds)

    await asyncio.gather(*(loop(job, seconds) for job, seconds in every.items()))
