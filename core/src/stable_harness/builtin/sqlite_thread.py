"""One SQLite connection confined to one thread, called from the event loop.

``sqlite3`` blocks while it commits (an fsync with ``synchronous=FULL``) and while it waits
for another process's write lock (``busy_timeout``). On the event loop's thread that stalls
every run the process drives, so each connection lives on a thread of its own and the loop
awaits its results. One thread per connection keeps that connection's statements in the order
they were submitted, and sqlite3 releases the GIL while it waits on the disk.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from stable_harness.errors import StableHarnessError

T = TypeVar("T")


class SqliteThread:
    """A connection to ``path`` and the single thread that uses it."""

    def __init__(self, path: Path, name: str,
                 connect: Callable[[Path], sqlite3.Connection] | None = None) -> None:
        self.path = path
        self.name = name
        self._connect = connect or _connect
        self._pool: ThreadPoolExecutor | None = None  # one per opening: a store may reopen
        self._conn: sqlite3.Connection | None = None

    async def open(self, setup: Callable[[sqlite3.Connection], None]) -> None:
        """Connect on the thread and run ``setup`` (pragmas, migrations) there."""
        def connect() -> None:
            conn = self._connect(self.path)
            try:
                setup(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
        await self._submit(connect)

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` on the connection's thread.

        The statement runs to its end even if the awaiting task is cancelled (a commit cannot
        be taken back); the caller then sees ``CancelledError``, as for any await."""
        def run() -> T:
            if self._conn is None:
                raise _not_open()
            return fn(self._conn)
        return await self._submit(run)

    async def _submit(self, fn: Callable[[], T]) -> T:
        if self._pool is None:
            raise _not_open()
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn)

    async def close(self) -> None:
        """Close the connection (after everything submitted before) and stop the thread."""
        def close() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        pool = self._pool
        if pool is None:
            return
        try:
            await self._submit(close)
        finally:
            self._pool = None
            pool.shutdown(wait=False)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False)


def _not_open() -> Exception:
    return StableHarnessError("the store is not open")
