"""The `{{ cookiecutter.plugin_name }}` memory store: memories in one JSON file, rewritten atomically.

This is where a real database plugs in: keep the method signatures and semantics (checked by
the contract suite), replace the file with your client.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field
from stable_harness.builtin.config import PluginConfig
from stable_harness.memory import MemoryItem, Namespace, check_key
from stable_harness.memory.filters import check_filter, matches


class {{ cookiecutter.__class_prefix }}Config(PluginConfig):
    """`Memory.spec.store.config` for this store."""

    path: str = Field(".stable-harness/{{ cookiecutter.plugin_name }}-memory.json", min_length=1,
                      description="JSON file (relative paths: to the workspace).")


class {{ cookiecutter.__class_prefix }}MemoryStore:
    """``factory(config, base=<workspace folder>)``."""

    def __init__(self, config: {{ cookiecutter.__class_prefix }}Config, base: Path | None = None) -> None:
        path = Path(config.path)
        self.path = path if path.is_absolute() or base is None else base / path
        self._items: dict[tuple[Namespace, str], MemoryItem] = {}

    async def open(self) -> None:
        if self.path.exists():
            for row in json.loads(self.path.read_text(encoding="utf-8")):
                item = MemoryItem(tuple(row["namespace"]), row["key"], row["value"],
                                  row["createdAt"], row["updatedAt"], row.get("expiresAt"))
                self._items[(item.namespace, item.key)] = item

    async def close(self) -> None:
        self._items = {}

    def _save(self) -> None:
        rows = [{"namespace": list(i.namespace), "key": i.key, "value": i.value,
                 "createdAt": i.created_at, "updatedAt": i.updated_at,
                 "expiresAt": i.expires_at}
                for i in self._items.values()]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        with open(partial, "w", encoding="utf-8") as f:
            json.dump(rows, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, self.path)

    def _live(self, item: MemoryItem | None) -> MemoryItem | None:
        if item is None or (item.expires_at is not None and item.expires_at <= time.time()):
            return None
        return item

    async def put(self, namespace: Namespace, key: str, value: Mapping[str, Any], *,
                  ttl_seconds: float | None = None) -> None:
        check_key(namespace, key)
        if not isinstance(value, Mapping):
            raise ValueError(f"a memory value must be a JSON object, got {type(value).__name__}")
        try:
            stored = json.loads(json.dumps(dict(value), allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"a memory value must be JSON: {exc}") from exc
        now = time.time()
        old = self._items.get((namespace, key))
        self._items[(namespace, key)] = MemoryItem(
            namespace, key, stored, old.created_at if old else now, now,
            None if ttl_seconds is None else now + ttl_seconds)
        self._save()

    async def get(self, namespace: Namespace, key: str) -> MemoryItem | None:
        check_key(namespace, key)
        return self._live(self._items.get((namespace, key)))

    async def delete(self, namespace: Namespace, key: str) -> None:
        check_key(namespace, key)
        if self._items.pop((namespace, key), None) is not None:
            self._save()

    async def search(self, prefix: Namespace, *, filter: Mapping[str, Any] | None = None,
                     limit: int = 10, offset: int = 0) -> list[MemoryItem]:
        check_filter(filter)
        found = [i for i in self._items.values() if i.namespace[:len(prefix)] == prefix
                 and self._live(i) is not None and matches(i.value, filter)]
        found.sort(key=lambda i: (-i.updated_at, i.key))
        return found[offset:offset + limit]

    async def list_namespaces(self, prefix: Namespace = (), limit: int = 100) -> list[Namespace]:
        spaces = {i.namespace for i in self._items.values()
                  if i.namespace[:len(prefix)] == prefix and self._live(i) is not None}
        return sorted(spaces)[:limit]

    async def expire(self, now: float | None = None) -> int:
        at = time.time() if now is None else now
        gone = [k for k, i in self._items.items()
                if i.expires_at is not None and i.expires_at <= at]
        for k in gone:
            del self._items[k]
        if gone:
            self._save()
        return len(gone)

    async def restore(self, items: list[MemoryItem]) -> None:
        for item in items:
            check_key(item.namespace, item.key)
        for item in items:
            self._items[(item.namespace, item.key)] = item
        self._save()
