"""The built-in ``sqlite`` memory store: memories as JSON in one SQLite file (WAL).

The connection lives on a thread of its own (:class:`SqliteThread`), so a commit's fsync or
another process's write lock never stalls the event loop. Namespaces are stored as their
labels joined by ``\\x1f`` (a character labels may not contain), so a prefix match is label by
label, on the primary key's index. Expired items are hidden from every read and deleted by
:meth:`SqliteMemoryStore.expire`. Value filters (:mod:`stable_harness.memory.filters`) are
applied to the JSON values after the indexed prefix query.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from stable_harness.builtin.config import SqliteMemoryConfig
from stable_harness.builtin.sqlite_thread import SqliteThread
from stable_harness.errors import StableHarnessError
from stable_harness.memory.contract import MemoryItem, Namespace, check_key
from stable_harness.memory.filters import check_filter, matches

T = TypeVar("T")
SEPARATOR = "\x1f"
SCHEMA = """
CREATE TABLE IF NOT EXISTS memories (
    namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (namespace, key));
CREATE INDEX IF NOT EXISTS memories_updated ON memories (updated_at);
"""
COLUMNS = "namespace, key, value, created_at, updated_at, expires_at"
LIVE = "(expires_at IS NULL OR expires_at > ?)"


def _joined(namespace: Namespace) -> str:
    return SEPARATOR.join(namespace)


def _item(row: tuple[Any, ...]) -> MemoryItem:
    return MemoryItem(tuple(row[0].split(SEPARATOR)), row[1], json.loads(row[2]), row[3],
                      row[4], row[5])


def _json_object(value: Mapping[str, Any]) -> str:
    if not isinstance(value, Mapping):
        raise ValueError(f"a memory value must be a JSON object, got {type(value).__name__}")
    try:
        return json.dumps(dict(value), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"a memory value must be JSON: {exc}") from exc


def _setup(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(SCHEMA)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(memories)")}
    if "expires_at" not in columns:  # stores written before items could expire
        conn.execute("ALTER TABLE memories ADD COLUMN expires_at REAL")
    conn.execute("CREATE INDEX IF NOT EXISTS memories_expiry ON memories (expires_at) "
                 "WHERE expires_at IS NOT NULL")


class SqliteMemoryStore:
    """See the module docstring."""

    def __init__(self, config: SqliteMemoryConfig, base: Path | None = None) -> None:
        path = Path(config.path)
        self.path = path if path.is_absolute() or base is None else base / path
        self._db = SqliteThread(self.path, "sqlite-memory")
        self._open = False

    async def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            await self._db.open(_setup)
        except (sqlite3.Error, OSError) as exc:
            raise StableHarnessError(f"cannot open memory store {self.path}: {exc}") from exc
        self._open = True

    async def close(self) -> None:
        self._open = False
        await self._db.close()

    async def _call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if not self._open:
            raise StableHarnessError("the memory store is not open")
        return await self._db.call(fn)

    async def put(self, namespace: Namespace, key: str, value: Mapping[str, Any], *,
                  ttl_seconds: float | None = None) -> None:
        check_key(namespace, key)
        text, now = _json_object(value), time.time()
        expires = None if ttl_seconds is None else now + ttl_seconds
        await self._call(lambda conn: conn.execute(
            "INSERT INTO memories VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
            "expires_at = excluded.expires_at",
            (_joined(namespace), key, text, now, now, expires)))

    async def get(self, namespace: Namespace, key: str) -> MemoryItem | None:
        check_key(namespace, key)
        row = await self._call(lambda conn: conn.execute(
            f"SELECT {COLUMNS} FROM memories WHERE namespace = ? AND key = ? AND {LIVE}",
            (_joined(namespace), key, time.time())).fetchone())
        return None if row is None else _item(row)

    async def delete(self, namespace: Namespace, key: str) -> None:
        check_key(namespace, key)
        await self._call(lambda conn: conn.execute(
            "DELETE FROM memories WHERE namespace = ? AND key = ?",
            (_joined(namespace), key)))

    @staticmethod
    def _under(conn: sqlite3.Connection, prefix: Namespace, columns: str, order: str
               ) -> list[Any]:
        now = time.time()
        if not prefix:
            return conn.execute(f"SELECT {columns} FROM memories WHERE {LIVE} "
                                f"ORDER BY {order}", (now,)).fetchall()
        joined = _joined(prefix)
        # the namespace itself, or below it: [joined + SEP, joined + SEP + 1) on the index
        return conn.execute(
            f"SELECT {columns} FROM memories WHERE (namespace = ? OR (namespace >= ? AND "
            f"namespace < ?)) AND {LIVE} ORDER BY {order}",
            (joined, joined + SEPARATOR, joined + chr(ord(SEPARATOR) + 1), now)).fetchall()

    async def search(self, prefix: Namespace, *, filter: Mapping[str, Any] | None = None,
                     limit: int = 10, offset: int = 0) -> list[MemoryItem]:
        if prefix:
            check_key(prefix)
        check_filter(filter)
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        rows = await self._call(lambda conn: self._under(
            conn, prefix, COLUMNS, "updated_at DESC, namespace, key"))
        items = (_item(row) for row in rows)
        matching = [i for i in items if matches(i.value, filter)] if filter else list(items)
        return matching[offset:offset + limit]

    async def list_namespaces(self, prefix: Namespace = (), limit: int = 100
                              ) -> list[Namespace]:
        if prefix:
            check_key(prefix)
        rows = await self._call(lambda conn: self._under(conn, prefix, "DISTINCT namespace",
                                                         "namespace"))
        return [tuple(row[0].split(SEPARATOR)) for row in rows[:limit]]

    async def expire(self, now: float | None = None) -> int:
        at = time.time() if now is None else now
        cursor = await self._call(lambda conn: conn.execute(
            "DELETE FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ?", (at,)))
        return int(cursor.rowcount)

    async def backup(self, target: Path) -> None:
        """A consistent copy of the store at ``target`` while it is in use (SQLite's online
        backup, on the store's own connection, so writes wait for it rather than restart
        it)."""
        target.parent.mkdir(parents=True, exist_ok=True)

        def copy(conn: sqlite3.Connection) -> None:
            dest = sqlite3.connect(target)
            try:
                conn.backup(dest)
            finally:
                dest.close()
        await self._call(copy)

    async def restore(self, items: list[MemoryItem]) -> None:
        rows = []
        for item in items:
            check_key(item.namespace, item.key)
            rows.append((_joined(item.namespace), item.key, _json_object(item.value),
                         item.created_at, item.updated_at, item.expires_at))

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR REPLACE INTO memories VALUES (?, ?, ?, ?, ?, ?)",
                                 rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        await self._call(write)
