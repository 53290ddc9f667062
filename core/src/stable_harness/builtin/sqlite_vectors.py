"""The ``sqlite`` memory store's semantic index: ``sqlite-vec`` in the same database file.

Vectors live in a ``vec0`` virtual table (cosine distance) keyed by the memory's rowid, so an
item and its vector are written in one transaction. A search asks ``vec0`` for the nearest
``k`` rows (its own index, not a scan in Python), keeps those in the namespace prefix that are
live and match the filter, and asks for more (four times ``k``) only while it has fewer than it
needs and more rows exist.

``sqlite-vec`` is a loadable extension: the standard ``sqlite3`` module is used when it can
load extensions, else ``pysqlite3`` (a dependency on Linux, whose bundled SQLite can).
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path
from typing import Any

from stable_harness.errors import StableHarnessError


def _module() -> Any:
    if hasattr(sqlite3.Connection, "enable_load_extension"):
        return sqlite3
    try:
        import pysqlite3.dbapi2 as module  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        raise StableHarnessError(
            "semantic memory search needs SQLite extensions, which this Python's sqlite3 "
            "cannot load: pip install pysqlite3-binary (Linux) or use a Python built with "
            "extension loading") from None
    return module


def unavailable() -> str | None:
    """Why the index cannot be used here (None when it can)."""
    try:
        _module()
        import sqlite_vec  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    except (StableHarnessError, ImportError) as exc:
        return str(exc) if isinstance(exc, StableHarnessError) else \
            "semantic memory search needs sqlite-vec: pip install sqlite-vec"
    return None


def connect(path: Path) -> Any:
    """A DB-API connection to ``path`` with ``sqlite-vec`` loaded."""
    import sqlite_vec  # type: ignore[import-untyped,unused-ignore]

    conn = _module().connect(path, isolation_level=None, check_same_thread=False)
    conn.enable_load_extension(True)
    sqlite_vec.load(conn)
    conn.enable_load_extension(False)
    return conn


def blob(vector: list[float]) -> bytes:
    return struct.pack(f"{len(vector)}f", *vector)


def ensure_table(conn: Any, dims: int) -> None:
    """Create the vector table for ``dims`` (refusing another size than the one stored)."""
    conn.execute("CREATE TABLE IF NOT EXISTS memory_index (dims INTEGER NOT NULL)")
    row = conn.execute("SELECT dims FROM memory_index").fetchone()
    if row is None:
        conn.execute("INSERT INTO memory_index VALUES (?)", (dims,))
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS memory_vec USING "
                     f"vec0(embedding float[{dims}] distance_metric=cosine)")
    elif row[0] != dims:
        raise StableHarnessError(
            f"the memory store's index holds {row[0]}-dimensional vectors; the embeddings "
            f"give {dims}: keep the model, or start a new store")


def has_table(conn: Any) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'memory_vec'"
                        ).fetchone() is not None


def put_vector(conn: Any, rowid: int, vector: list[float]) -> None:
    conn.execute("DELETE FROM memory_vec WHERE rowid = ?", (rowid,))
    conn.execute("INSERT INTO memory_vec (rowid, embedding) VALUES (?, ?)",
                 (rowid, blob(vector)))


def delete_vectors(conn: Any, where: str, params: tuple[Any, ...]) -> None:
    """Drop the vectors of the memories rows ``where`` selects (before they are deleted)."""
    if has_table(conn):
        conn.execute(f"DELETE FROM memory_vec WHERE rowid IN (SELECT rowid FROM memories "
                     f"WHERE {where})", params)


def nearest(conn: Any, vector: list[float], k: int) -> list[tuple[int, float]]:
    """The ``k`` nearest rowids and their cosine distances, nearest first."""
    return [(int(r[0]), float(r[1])) for r in conn.execute(
        "SELECT rowid, distance FROM memory_vec WHERE embedding MATCH ? AND k = ? "
        "ORDER BY distance", (blob(vector), k))]


def count(conn: Any) -> int:
    return int(conn.execute("SELECT count(*) FROM memory_vec").fetchone()[0])
