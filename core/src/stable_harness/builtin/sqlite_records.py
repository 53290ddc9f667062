"""Sessions and documents of the SQLite run store: what a protocol surface keeps beside runs
(a LangGraph thread's metadata, its deletion with its runs, assistants and crons)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from stable_harness.runs.models import Document, Session
from stable_harness.store import json_text

T = TypeVar("T")
RUN_TABLES = ("events", "approvals", "artifacts", "ledger", "attempts")  # keyed by run_id


def row_to_session(row: sqlite3.Row) -> Session:
    return Session(row[0], row[1], row[3], row[4], json_text.loads(row[2]))


def _row_to_document(row: sqlite3.Row) -> Document:
    return Document(row[0], row[1], json_text.loads(row[2]), row[3], row[4])


def _delete_runs(conn: sqlite3.Connection, where: str, args: tuple[Any, ...]) -> int:
    """Delete the runs ``where`` selects and everything recorded about them."""
    selected = f"SELECT id FROM runs WHERE {where}"
    for table in RUN_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE run_id IN ({selected})", args)
    return int(conn.execute(f"DELETE FROM runs WHERE {where}", args).rowcount)


class SessionsAndDocuments:
    """The store's session and document operations (see ``RunStore``); the store provides the
    connections."""

    async def _transact(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    async def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    async def _look_up(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    async def update_session(self, session_id: str, metadata: dict[str, Any], at: float
                             ) -> Session | None:
        def run(conn: sqlite3.Connection) -> Session | None:
            conn.execute("UPDATE sessions SET metadata = ?, updated_at = ? WHERE id = ?",
                         (json_text.dumps(metadata), at, session_id))
            row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
            return None if row is None else row_to_session(row)
        return await self._transact(run)

    async def delete_session(self, session_id: str) -> bool:
        def run(conn: sqlite3.Connection) -> bool:
            _delete_runs(conn, "session_id = ?", (session_id,))
            return conn.execute("DELETE FROM sessions WHERE id = ?",
                                (session_id,)).rowcount > 0
        return await self._transact(run)

    async def delete_run(self, run_id: str) -> bool:
        return await self._transact(lambda conn: _delete_runs(conn, "id = ?", (run_id,)) > 0)

    async def put_document(self, kind: str, id_: str, body: dict[str, Any], at: float
                           ) -> Document:
        def run(conn: sqlite3.Connection) -> Document:
            conn.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?) ON CONFLICT(kind, id) DO UPDATE SET "
                "body = excluded.body, updated_at = excluded.updated_at",
                (kind, id_, json_text.dumps(body), at, at))
            row = conn.execute("SELECT * FROM documents WHERE kind = ? AND id = ?",
                               (kind, id_)).fetchone()
            return _row_to_document(row)
        return await self._transact(run)

    async def get_document(self, kind: str, id_: str) -> Document | None:
        row = await self._look_up(lambda conn: conn.execute(
            "SELECT * FROM documents WHERE kind = ? AND id = ?", (kind, id_)).fetchone())
        return None if row is None else _row_to_document(row)

    async def list_documents(self, kind: str, limit: int = 1000) -> list[Document]:
        return await self._read(lambda conn: [_row_to_document(r) for r in conn.execute(
            "SELECT * FROM documents WHERE kind = ? ORDER BY created_at, id LIMIT ?",
            (kind, limit))])

    async def delete_document(self, kind: str, id_: str) -> bool:
        return await self._transact(lambda conn: conn.execute(
            "DELETE FROM documents WHERE kind = ? AND id = ?", (kind, id_)).rowcount > 0)
