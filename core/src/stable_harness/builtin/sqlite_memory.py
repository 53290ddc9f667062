"""The built-in ``sqlite`` memory store: memories as JSON in one SQLite file (WAL).

Namespaces are stored as their labels joined by ``\\x1f`` (a character labels may not
contain), so a prefix match is label by label. Filters are applied to the JSON values in
Python after the prefix query: fine for an embedded store; a scale-out store should push them
into its database.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stable_harness.builtin.config import SqliteMemoryConfig
from stable_harness.errors import StableHarnessError
from stable_harness.memory.contract import MemoryItem, Namespace, check_key

SEPARATOR = "\x1f"
SCHEMA = """
CREATE TABLE IF NOT EXISTS memories (
    namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (namespace, key));
CREATE INDEX IF NOT EXISTS memories_updated ON memories (updated_at);
"""


def _joined(namespace: Namespace) -> str:
    return SEPARATOR.join(namespace)


def _item(row: tuple[str, str, str, float, float]) -> MemoryItem:
    return MemoryItem(tuple(row[0].split(SEPARATOR)), row[1], json.loads(row[2]), row[3],
                      row[4])


def _json_object(value: Mapping[str, Any]) -> str:
    if not isinstance(value, Mapping):
        raise ValueError(f"a memory value must be a JSON object, got {type(value).__name__}")
    try:
        return json.dumps(dict(value), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"a memory value must be JSON: {exc}") from exc


class SqliteMemoryStore:
    """See the module docstring."""

    def __init__(self, config: SqliteMemoryConfig, base: Path | None = None) -> None:
        path = Path(config.path)
        self.path = path if path.is_absolute() or base is None else base / path
        self._conn: sqlite3.Connection | None = None

    async def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise StableHarnessError(f"cannot open memory store {self.path}: {exc}") from exc
        self._conn = conn

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StableHarnessError("the memory store is not open")
        return self._conn

    async def put(self, namespace: Namespace, key: str, value: Mapping[str, Any]) -> None:
        check_key(namespace, key)
        text, now = _json_object(value), time.time()
        self.conn.execute(
            "INSERT INTO memories VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace, key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (_joined(namespace), key, text, now, now))

    async def get(self, namespace: Namespace, key: str) -> MemoryItem | None:
        check_key(namespace, key)
        row = self.conn.execute("SELECT * FROM memories WHERE namespace = ? AND key = ?",
                                (_joined(namespace), key)).fetchone()
        return None if row is None else _item(row)

    async def delete(self, namespace: Namespace, key: str) -> None:
        check_key(namespace, key)
        self.conn.execute("DELETE FROM memories WHERE namespace = ? AND key = ?",
                          (_joined(namespace), key))

    def _under(self, prefix: Namespace, columns: str, order: str) -> list[Any]:
        if not prefix:
            return self.conn.execute(f"SELECT {columns} FROM memories ORDER BY {order}"
                                     ).fetchall()
        check_key(prefix)
        joined = _joined(prefix)
        return self.conn.execute(
            f"SELECT {columns} FROM memories WHERE namespace = ? OR "
            f"substr(namespace, 1, ?) = ? ORDER BY {order}",
            (joined, len(joined) + 1, joined + SEPARATOR)).fetchall()

    async def search(self, prefix: Namespace, *, filter: Mapping[str, Any] | None = None,
                     limit: int = 10, offset: int = 0) -> list[MemoryItem]:
        wanted = dict(filter or {})
        items = (_item(row) for row in self._under(prefix, "*", "updated_at DESC, key"))
        matching = [i for i in items if all(i.value.get(k, object()) == v
                                            for k, v in wanted.items())]
        return matching[offset:offset + limit]

    async def list_namespaces(self, prefix: Namespace = (), limit: int = 100
                              ) -> list[Namespace]:
        rows = self._under(prefix, "DISTINCT namespace", "namespace")
        return [tuple(row[0].split(SEPARATOR)) for row in rows[:limit]]
