"""LangGraph's own SQLite checkpoint saver, opened next to the run store."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver


class Checkpoints:
    """Opens one :class:`AsyncSqliteSaver` lazily (on the runtime's loop) and closes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: aiosqlite.Connection | None = None
        self._saver: AsyncSqliteSaver | None = None

    async def saver(self) -> AsyncSqliteSaver:
        """The saver; the database and its tables are created on first use."""
        if self._saver is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(str(self.path), timeout=30)
            # WAL so other processes of the same workspace can read while one writes
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA busy_timeout=30000")
            saver = AsyncSqliteSaver(conn)
            await saver.setup()
            self._conn, self._saver = conn, saver
        return self._saver

    async def aclose(self) -> None:
        """Close the connection, if it was opened."""
        if self._conn is not None:
            await self._conn.close()
            self._conn = self._saver = None
