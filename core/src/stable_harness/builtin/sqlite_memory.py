"""The built-in ``sqlite`` memory store: memories as JSON in one SQLite file (WAL).

The connection lives on a thread of its own (:class:`SqliteThread`), so a commit's fsync or
another process's write lock never stalls the event loop. Namespaces are stored as their
labels joined by ``\\x1f`` (a character labels may not contain), so a prefix match is label by
label, on the primary key's index. Expired items are hidden from every read and deleted by
:meth:`SqliteMemoryStore.expire`. Value filters (:mod:`stable_harness.memory.filters`) are
applied to the JSON values while the indexed prefix query is read, which stops as soon as it
has the page asked for. With a semantic index (:meth:`SqliteMemoryStore.ensure_index`, when a
policy names ``Embeddings``), vectors live beside the items in the same file
(:mod:`stable_harness.builtin.sqlite_vectors`).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from stable_harness.builtin import sqlite_vectors
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


def _item(row: tuple[Any, ...], score: float | None = None) -> MemoryItem:
    return MemoryItem(tuple(row[0].split(SEPARATOR)), row[1], json.loads(row[2]), row[3],
                      row[4], row[5], score)


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

    supports_vectors = True

    def __init__(self, config: SqliteMemoryConfig, base: Path | None = None) -> None:
        path = Path(config.path)
        self.path = path if path.is_absolute() or base is None else base / path
        self._db = SqliteThread(self.path, "sqlite-memory")
        self._open = False
        self._indexed = False

    async def ensure_index(self, dims: int) -> None:
        """Store vectors of ``dims`` floats from now on (reconnecting with ``sqlite-vec``)."""
        if self._indexed:
            return
        why = sqlite_vectors.unavailable()
        if why is not None:
            raise StableHarnessError(why)
        await self._db.close()
        self._db = SqliteThread(self.path, "sqlite-memory", connect=sqlite_vectors.connect)
        await self._db.open(_setup)
        await self._db.call(lambda conn: sqlite_vectors.ensure_table(conn, dims))
        self._indexed = True

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
                  ttl_seconds: float | None = None, vector: list[float] | None = None
                  ) -> None:
        check_key(namespace, key)
        text, now = _json_object(value), time.time()
        expires = None if ttl_seconds is None else now + ttl_seconds
        if vector is not None and not self._indexed:
            raise StableHarnessError("this memory store has no index: call ensure_index")
        joined = _joined(namespace)

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")  # the item and its vector, or neither
            try:
                conn.execute(
                    "INSERT INTO memories VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, "
                    "key) DO UPDATE SET value = excluded.value, updated_at = "
                    "excluded.updated_at, expires_at = excluded.expires_at",
                    (joined, key, text, now, now, expires))
                if self._indexed:
                    rowid = conn.execute("SELECT rowid FROM memories WHERE namespace = ? "
                                         "AND key = ?", (joined, key)).fetchone()[0]
                    if vector is None:
                        conn.execute("DELETE FROM memory_vec WHERE rowid = ?", (rowid,))
                    else:
                        sqlite_vectors.put_vector(conn, rowid, vector)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        await self._call(write)

    async def get(self, namespace: Namespace, key: str) -> MemoryItem | None:
        check_key(namespace, key)
        row = await self._call(lambda conn: conn.execute(
            f"SELECT {COLUMNS} FROM memories WHERE namespace = ? AND key = ? AND {LIVE}",
            (_joined(namespace), key, time.time())).fetchone())
        return None if row is None else _item(row)

    async def delete(self, namespace: Namespace, key: str) -> None:
        check_key(namespace, key)
        where, params = "namespace = ? AND key = ?", (_joined(namespace), key)

        def remove(conn: sqlite3.Connection) -> None:
            sqlite_vectors.delete_vectors(conn, where, params)
            conn.execute(f"DELETE FROM memories WHERE {where}", params)
        await self._call(remove)

    @staticmethod
    def _scope(prefix: Namespace) -> tuple[str, tuple[Any, ...]]:
        """The WHERE clause (and its parameters) of live items at or below ``prefix``."""
        now = time.time()
        if not prefix:
            return LIVE, (now,)
        joined = _joined(prefix)
        # the namespace itself, or below it: [joined + SEP, joined + SEP + 1) on the index
        return (f"(namespace = ? OR (namespace >= ? AND namespace < ?)) AND {LIVE}",
                (joined, joined + SEPARATOR, joined + chr(ord(SEPARATOR) + 1), now))

    @classmethod
    def _under(cls, conn: sqlite3.Connection, prefix: Namespace, columns: str, order: str
               ) -> list[Any]:
        where, params = cls._scope(prefix)
        return conn.execute(f"SELECT {columns} FROM memories WHERE {where} ORDER BY {order}",
                            params).fetchall()

    async def search(self, prefix: Namespace, *, filter: Mapping[str, Any] | None = None,
                     limit: int = 10, offset: int = 0, vector: list[float] | None = None
                     ) -> list[MemoryItem]:
        if prefix:
            check_key(prefix)
        check_filter(filter)
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        if vector is not None:
            if not self._indexed:
                raise StableHarnessError("this memory store has no index: call ensure_index")
            return await self._call(lambda conn: self._nearest(conn, prefix, filter, limit,
                                                               offset, vector))
        where, params = self._scope(prefix)

        def page(conn: sqlite3.Connection) -> list[MemoryItem]:
            if not filter:  # the database pages
                return [_item(r) for r in conn.execute(
                    f"SELECT {COLUMNS} FROM memories WHERE {where} ORDER BY updated_at DESC, "
                    f"namespace, key LIMIT ? OFFSET ?", (*params, limit, offset))]
            out: list[MemoryItem] = []
            skipped = 0
            for row in conn.execute(f"SELECT {COLUMNS} FROM memories WHERE {where} ORDER BY "
                                    "updated_at DESC, namespace, key", params):
                item = _item(row)
                if not matches(item.value, filter):
                    continue
                if skipped < offset:
                    skipped += 1
                    continue
                out.append(item)
                if len(out) == limit:
                    break  # the rest is never read
            return out
        return await self._call(page)

    def _nearest(self, conn: sqlite3.Connection, prefix: Namespace,
                 filter: Mapping[str, Any] | None, limit: int, offset: int,
                 vector: list[float]) -> list[MemoryItem]:
        where, params = self._scope(prefix)
        total = sqlite_vectors.count(conn)
        wanted, k = offset + limit, max(offset + limit, 16)
        while True:
            hits = sqlite_vectors.nearest(conn, vector, min(k, max(total, 1)))
            kept: list[MemoryItem] = []
            if hits:
                distance = dict(hits)
                marks = ",".join("?" * len(hits))
                rows = conn.execute(f"SELECT {COLUMNS}, rowid FROM memories WHERE rowid IN "
                                    f"({marks}) AND {where}", (*distance, *params)).fetchall()
                ranked = sorted(rows, key=lambda r: (distance[r[6]], r[0], r[1]))
                kept = [_item(r[:6], 1.0 - distance[r[6]]) for r in ranked
                        if not filter or matches(json.loads(r[2]), filter)]
            if len(kept) >= wanted or k >= total:
                return kept[offset:offset + limit]
            k *= 4

    async def list_namespaces(self, prefix: Namespace = (), limit: int = 100
                              ) -> list[Namespace]:
        if prefix:
            check_key(prefix)
        rows = await self._call(lambda conn: self._under(conn, prefix, "DISTINCT namespace",
                                                         "namespace"))
        return [tuple(row[0].split(SEPARATOR)) for row in rows[:limit]]

    async def expire(self, now: float | None = None) -> int:
        at = time.time() if now is None else now
        where = "expires_at IS NOT NULL AND expires_at <= ?"

        def remove(conn: sqlite3.Connection) -> int:
            sqlite_vectors.delete_vectors(conn, where, (at,))
            return int(conn.execute(f"DELETE FROM memories WHERE {where}", (at,)).rowcount)
        return await self._call(remove)

    async def set_vectors(self, vectors: list[tuple[Namespace, str, list[float]]]) -> None:
        """Index existing items (an import): one transaction, items left as they are."""
        if not self._indexed:
            raise StableHarnessError("this memory store has no index: call ensure_index")

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for namespace, key, vector in vectors:
                    row = conn.execute("SELECT rowid FROM memories WHERE namespace = ? AND "
                                       "key = ?", (_joined(namespace), key)).fetchone()
                    if row is not None:
                        sqlite_vectors.put_vector(conn, row[0], vector)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        await self._call(write)

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
                for row in rows:  # a replaced item's vector no longer describes it
                    sqlite_vectors.delete_vectors(conn, "namespace = ? AND key = ?", row[:2])
                conn.executemany("INSERT OR REPLACE INTO memories VALUES (?, ?, ?, ?, ?, ?)",
                                 rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        await self._call(write)
