"""The memory store contract suite.

A memory-store plugin's tests subclass :class:`MemoryStoreContract` with ``store = "<name>"``
and the ``config`` to build it with (or override :meth:`MemoryStoreContract.make_store`).
Every test gets a fresh, opened store.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from stable_harness.memory.contract import MemoryItem, MemoryStore
from stable_harness.records import Slot
from stable_harness.testing.contracts.base import ContractSuite, build

VALUE = {"text": "prefers tea ☕", "tags": ["drink", None], "score": 0.5, "ok": True}


class MemoryStoreContract(ContractSuite):
    """Subclass with ``store`` (the registered name) and ``config``."""

    store: ClassVar[str]
    config: ClassVar[dict[str, Any]] = {}

    def make_store(self, base: Path) -> MemoryStore:
        """Build a store whose data lives under ``base`` (called again to reopen)."""
        store: MemoryStore = build(Slot.MEMORY_STORE, self.store, self.config, base=base)
        return store

    @pytest.fixture
    async def memory_store(self, tmp_path: Path) -> AsyncIterator[MemoryStore]:
        store = self.make_store(tmp_path)
        await store.open()
        yield store
        await store.close()

    # -- the contract -----------------------------------------------------------------------

    async def test_put_then_get_round_trips_json(self, memory_store: MemoryStore) -> None:
        """A stored JSON object reads back equal (nested values, non-ASCII text), as a
        ``MemoryItem`` with its namespace, key and times; a missing key is ``None``.

        Fix: store the value as JSON and return ``MemoryItem``."""
        await memory_store.put(("users", "u1"), "drink", VALUE)
        item = await memory_store.get(("users", "u1"), "drink")
        assert isinstance(item, MemoryItem)
        assert (item.namespace, item.key, item.value) == (("users", "u1"), "drink", VALUE)
        assert item.created_at <= item.updated_at
        assert await memory_store.get(("users", "u1"), "food") is None
        assert await memory_store.get(("users", "u2"), "drink") is None

    async def test_put_replaces_and_delete_removes(self, memory_store: MemoryStore) -> None:
        """``put`` on an existing key replaces the value and keeps ``created_at``;
        ``delete`` removes it and deleting again is no error.

        Fix: upsert by (namespace, key); make ``delete`` idempotent."""
        await memory_store.put(("n",), "k", {"v": 1})
        first = await memory_store.get(("n",), "k")
        await memory_store.put(("n",), "k", {"v": 2})
        second = await memory_store.get(("n",), "k")
        assert first is not None
        assert second is not None
        assert second.value == {"v": 2}
        assert second.created_at == first.created_at
        await memory_store.delete(("n",), "k")
        await memory_store.delete(("n",), "k")
        assert await memory_store.get(("n",), "k") is None

    async def test_search_matches_prefixes_label_by_label(self,
                                                          memory_store: MemoryStore) -> None:
        """``search(("users",))`` finds items in ``("users", …)`` namespaces, not in
        ``("users-archive",)``; ``list_namespaces`` lists what holds items.

        Fix: compare namespace labels, never the joined string's prefix."""
        await memory_store.put(("users", "a"), "k", {"v": "a"})
        await memory_store.put(("users", "b", "deep"), "k", {"v": "b"})
        await memory_store.put(("users-archive",), "k", {"v": "x"})
        found = {i.value["v"] for i in await memory_store.search(("users",))}
        assert found == {"a", "b"}
        assert await memory_store.list_namespaces(("users",)) == \
            [("users", "a"), ("users", "b", "deep")]
        assert len(await memory_store.list_namespaces()) == 3

    async def test_search_filters_orders_and_pages(self, memory_store: MemoryStore) -> None:
        """Filters keep items whose value has each key equal to the given value; results
        are most recently updated first, paged by ``limit`` and ``offset``.

        Fix: apply the filter to the stored JSON and sort by ``updated_at`` descending."""
        for n in range(5):
            await memory_store.put(("ns",), f"k{n}", {"n": n, "even": n % 2 == 0})
            await asyncio.sleep(0.002)
        newest = [i.key for i in await memory_store.search(("ns",), limit=10)]
        assert newest == ["k4", "k3", "k2", "k1", "k0"]
        even = [i.key for i in await memory_store.search(("ns",), filter={"even": True})]
        assert even == ["k4", "k2", "k0"]
        page = [i.key for i in await memory_store.search(("ns",), limit=2, offset=1)]
        assert page == ["k3", "k2"]

    async def test_bad_input_is_refused_and_stores_nothing(
            self, memory_store: MemoryStore) -> None:
        """An empty namespace, an empty key or a value that is not a JSON object raises
        ``ValueError`` saying what is wrong, and nothing is stored.

        Fix: validate with ``stable_harness.memory.check_key`` before writing."""
        for namespace, key, value in [((), "k", {}), (("ns",), "", {}),
                                      (("ns",), "k", ["not", "an", "object"]),
                                      (("ns",), "k", {"bad": object()})]:
            with pytest.raises(ValueError):  # noqa: PT011 - the message varies by store
                await memory_store.put(namespace, key, value)  # type: ignore[arg-type]
        assert await memory_store.list_namespaces() == []

    async def test_concurrent_puts_are_all_kept(self, memory_store: MemoryStore) -> None:
        """Puts from concurrent tasks all land (agents of parallel runs share a store).

        Fix: serialise writes or use the database's transactions."""
        await asyncio.gather(*(memory_store.put(("c",), f"k{n}", {"n": n}) for n in range(25)))
        assert len(await memory_store.search(("c",), limit=100)) == 25

    async def test_memories_survive_a_restart(self, memory_store: MemoryStore,
                                              tmp_path: Path) -> None:
        """Memories are there after the store is closed and built again from the same
        configuration.

        Fix: persist in ``put``; keep nothing only in memory."""
        await memory_store.put(("p",), "k", VALUE)
        await memory_store.close()
        fresh = self.make_store(tmp_path)
        await fresh.open()
        try:
            item = await fresh.get(("p",), "k")
            assert item is not None
            assert item.value == VALUE
        finally:
            await fresh.close()
        await memory_store.open()  # the fixture closes it again

    async def test_filters_have_langgraph_semantics(self, memory_store: MemoryStore) -> None:
        """Filters match nested objects, lists element by element, and the operators
        ``$eq``, ``$ne``, ``$gt``, ``$gte``, ``$lt``, ``$lte`` (as LangGraph's stores do); an
        unknown operator is a ``ValueError``.

        Fix: use :func:`stable_harness.memory.filters.matches`."""
        await memory_store.put(("f",), "a", {"n": 1, "who": {"name": "ann"}, "l": [1, 2]})
        await memory_store.put(("f",), "b", {"n": 5, "who": {"name": "bob"}, "l": [1]})

        async def keys(filter: dict[str, Any]) -> set[str]:
            return {i.key for i in await memory_store.search(("f",), filter=filter)}

        assert await keys({"who": {"name": "ann"}}) == {"a"}
        assert await keys({"l": [1, 2]}) == {"a"}
        assert await keys({"n": {"$gt": 2}}) == {"b"}
        assert await keys({"n": {"$gte": 1, "$lt": 5}}) == {"a"}
        assert await keys({"n": {"$ne": 1}}) == {"b"}
        assert await keys({"who": {"$eq": {"name": "bob"}}}) == {"b"}
        with pytest.raises(ValueError, match=r"\$like"):
            await memory_store.search(("f",), filter={"n": {"$like": 1}})

    async def test_items_expire(self, memory_store: MemoryStore) -> None:
        """An item put with ``ttl_seconds`` is gone from ``get`` and ``search`` once the time
        has passed, and ``expire`` deletes it; items without a TTL stay.

        Fix: store an expiry time, filter reads on it, delete in ``expire``."""
        await memory_store.put(("t",), "short", {"v": 1}, ttl_seconds=0.05)
        await memory_store.put(("t",), "long", {"v": 2}, ttl_seconds=3600)
        await memory_store.put(("t",), "forever", {"v": 3})
        short = await memory_store.get(("t",), "short")
        assert short is not None
        assert short.expires_at is not None
        await asyncio.sleep(0.1)
        assert await memory_store.get(("t",), "short") is None
        assert {i.key for i in await memory_store.search(("t",))} == {"long", "forever"}
        assert await memory_store.expire() == 1
        assert await memory_store.expire() == 0

    async def test_restore_keeps_items_exactly(self, memory_store: MemoryStore) -> None:
        """``restore`` writes items with their own times, so an export read back in gives
        the same items in the same order.

        Fix: insert the given times instead of now."""
        items = [MemoryItem(("r",), f"k{n}", {"n": n}, 1000.0 + n, 2000.0 + n, None)
                 for n in range(3)]
        await memory_store.restore(items)
        found = await memory_store.search(("r",))
        assert [(i.key, i.created_at, i.updated_at) for i in found] == \
            [("k2", 1002.0, 2002.0), ("k1", 1001.0, 2001.0), ("k0", 1000.0, 2000.0)]
