"""The built-in ``sqlite`` run store: one file, WAL journal, batched writes.

Durability: WAL mode with ``synchronous=FULL`` (the default) makes every commit survive a
process crash *and* power loss; ``NORMAL`` survives process crashes only but commits several
times faster. Concurrency: two connections per store, each on a thread of its own
(:mod:`.sqlite_thread`), so neither a commit's fsync nor a wait for another process's write
lock blocks the event loop: one for transactions, one for reads that return many rows, which
WAL lets run beside the writer and which see every transaction committed before they start. A
third connection answers point lookups (one run, one approval) on the loop itself: a WAL
reader never waits for the writer, and a thread hop would cost more than the lookup. Other
processes may share the file (``busy_timeout`` makes writers wait their turn, not fail).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from stable_harness.builtin.config import SqliteStoreConfig
from stable_harness.builtin.sqlite_records import SessionsAndDocuments, row_to_session
from stable_harness.builtin.sqlite_signals import FifoSignals
from stable_harness.builtin.sqlite_thread import SqliteThread
from stable_harness.errors import StableHarnessError
from stable_harness.runs.events import Event, now_iso
from stable_harness.runs.models import (
    Approval,
    Artifact,
    Attempt,
    Decision,
    DecisionKind,
    LedgerEntry,
    LedgerStatus,
    Run,
    Session,
    ToolCallRequest,
)
from stable_harness.runs.states import IN_FLIGHT, RunStatus
from stable_harness.store import json_text
from stable_harness.store.contract import (
    DuplicateRunError,
    LeaseLostError,
    PendingEvent,
    RunPatch,
    WriteBatch,
)

RUN_COLUMNS = (
    "id", "session_id", "agent", "status", "input", "metadata", "tool_call", "idempotency_key",
    "fingerprint", "timeout_seconds", "output", "error", "attempt", "created_at", "updated_at",
    "started_at", "ended_at", "cancelled_at", "cancel_requested_at", "owner", "lease_expires_at",
    "rolled_back", "last_seq", "parent_run_id", "memory", "workflow", "upstream",
)
JSON_RUN_FIELDS = frozenset({"input", "metadata", "output", "error", "memory", "upstream"})
BUSY_TIMEOUT_MS = 10_000
T = TypeVar("T")


_dump = json_text.dumps


def _load(text: str | None) -> Any:
    return None if text is None else json_text.loads(text)


def _run_value(name: str, value: Any) -> Any:
    if name in JSON_RUN_FIELDS:
        return _dump(value)
    if name == "tool_call":
        return None if value is None else _dump({"name": value.name, "arguments": value.arguments})
    if name == "status":
        return str(value)
    if name == "rolled_back":
        return int(value)
    return value


def _row_to_run(row: sqlite3.Row) -> Run:
    data = dict(zip(RUN_COLUMNS, row, strict=True))
    for name in JSON_RUN_FIELDS:
        data[name] = _load(data[name])
    call = _load(data["tool_call"])
    data["tool_call"] = None if call is None else ToolCallRequest(call["name"], call["arguments"])
    data["status"] = RunStatus(data["status"])
    data["rolled_back"] = bool(data["rolled_back"])
    return Run(**data)


def _row_to_event(row: sqlite3.Row) -> Event:
    run_id, seq, type_, session_id, ts, parent_id, payload, ordinal = row
    return Event(run_id, seq, type_, session_id, ts, json_text.loads(payload), parent_id, ordinal)


def _row_to_approval(row: sqlite3.Row) -> Approval:
    (id_, run_id, session_id, key, action, reason, requester, status, decision, created_at,
     resolved_at) = row
    dec = _load(decision)
    return Approval(
        id_, run_id, session_id, key, json_text.loads(action), reason, requester, created_at,
        status,
        None if dec is None else Decision(DecisionKind(dec["decision"]), dec.get("message"),
                                          dec.get("arguments"), dec.get("by"),
                                          dec.get("value")),
        resolved_at)


def _approval_row(a: Approval) -> tuple[Any, ...]:
    return (a.id, a.run_id, a.session_id, a.key, _dump(a.action), a.reason, a.requester,
            a.status, None if a.decision is None else _dump(a.decision.to_dict()), a.created_at,
            a.resolved_at)


class SqliteRunStore(SessionsAndDocuments):
    """The embedded run store (see the module docstring for its durability choices)."""

    def __init__(self, config: SqliteStoreConfig, base: Path | None = None) -> None:
        path = Path(config.path)
        self.path = path if path.is_absolute() or base is None else base / path
        self.synchronous = config.synchronous
        self._writer = SqliteThread(self.path, "sqlite-store-write")
        self._reader = SqliteThread(self.path, "sqlite-store-read")
        self._signals = FifoSignals(self.path.with_name(self.path.name + ".signals"))
        self._lookup: sqlite3.Connection | None = None  # point reads, on the loop's thread

    # -- lifecycle ---------------------------------------------------------------------------

    async def open(self) -> None:
        from stable_harness.builtin.sqlite_schema import SchemaTooNewError, migrate

        def writer(conn: sqlite3.Connection) -> None:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA synchronous = {self.synchronous}")
            migrate(conn)

        def reader(conn: sqlite3.Connection) -> None:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only = ON")

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            await self._writer.open(writer)
            await self._reader.open(reader)
            self._lookup = sqlite3.connect(self.path, isolation_level=None,
                                           check_same_thread=False)
            reader(self._lookup)
        except (sqlite3.Error, OSError, SchemaTooNewError) as exc:
            await self.close()
            raise StableHarnessError(f"cannot open run store {self.path}: {exc}") from exc

    async def close(self) -> None:
        await self._writer.close()
        await self._reader.close()
        if self._lookup is not None:
            self._lookup.close()
            self._lookup = None

    # -- wake-ups between processes (StoreSignals) ------------------------------------------

    def signal(self, channel: str) -> None:
        self._signals.signal(channel)

    def listen(self, channel: str, wake: Callable[[], None]) -> Callable[[], None]:
        return self._signals.listen(channel, wake)

    async def _transact(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in one ``BEGIN IMMEDIATE`` transaction on the writer's thread."""
        def run(conn: sqlite3.Connection) -> T:
            with _transaction(conn):
                return fn(conn)
        return await self._writer.call(run)

    async def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await self._reader.call(fn)

    async def _look_up(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._lookup is None:
            raise StableHarnessError("the run store is not open")
        return fn(self._lookup)

    # -- writes ------------------------------------------------------------------------------

    async def write(self, batch: WriteBatch) -> None:
        def run(conn: sqlite3.Connection) -> None:
            if batch.new_runs:
                _refuse_duplicates(conn, batch.new_runs)
            if batch.owner is not None:
                _fence(conn, batch)
            _apply(conn, batch)
        try:
            await self._transact(run)
        except sqlite3.IntegrityError as exc:
            raise DuplicateRunError(str(exc)) from exc

    async def update_unowned(
        self, run_id: str, expect: Collection[RunStatus], fields: dict[str, Any],
        events: Sequence[PendingEvent], *, approval: Approval | None = None,
        expect_approval_pending: bool = False, allow_expired_lease_at: float | None = None,
    ) -> tuple[Run, list[Event]] | None:
        def run(conn: sqlite3.Connection) -> tuple[Run, list[Event]] | None:
            current = _get_run(conn, run_id)
            if current is None or current.status not in expect:
                return None
            horizon = allow_expired_lease_at
            held = current.owner is not None and (
                horizon is None or (current.lease_expires_at or 0) > horizon)
            if held:
                return None
            if expect_approval_pending and approval is not None:
                stored = conn.execute("SELECT status FROM approvals WHERE id = ?",
                                      (approval.id,)).fetchone()
                if stored is None or stored[0] != "pending":
                    return None
            stamp = now_iso()
            stored_events = [
                Event(run_id, current.last_seq + i, p.type, current.session_id, stamp,
                      p.payload, p.parent_id)
                for i, p in enumerate(events, start=1)]
            batch = WriteBatch(
                patches=[RunPatch(run_id, {**fields, "owner": None, "lease_expires_at": None})],
                events=stored_events, approvals=[approval] if approval else [])
            _apply(conn, batch)
            updated = _get_run(conn, run_id)
            assert updated is not None
            return updated, stored_events
        return await self._transact(run)

    # -- leases ------------------------------------------------------------------------------

    async def claim(self, run_id: str, owner: str, until: float, now: float,
                    expect: Collection[RunStatus]) -> Run | None:
        marks = ",".join("?" * len(expect))

        def run(conn: sqlite3.Connection) -> Run | None:
            cur = conn.execute(
                f"UPDATE runs SET owner = ?, lease_expires_at = ? WHERE id = ? "
                f"AND status IN ({marks}) "
                f"AND (owner IS NULL OR owner = ? OR lease_expires_at < ?)",
                [owner, until, run_id, *map(str, expect), owner, now])
            return _get_run(conn, run_id) if cur.rowcount else None
        return await self._transact(run)

    async def renew(self, owner: str, until: float) -> int:
        return await self._transact(lambda conn: conn.execute(
            "UPDATE runs SET lease_expires_at = ? WHERE owner = ?", (until, owner)).rowcount)

    async def release(self, run_id: str, owner: str) -> None:
        await self._transact(lambda conn: conn.execute(
            "UPDATE runs SET owner = NULL, lease_expires_at = NULL WHERE id = ? AND owner = ?",
            (run_id, owner)))

    async def request_cancel(self, run_id: str, at: float) -> Run | None:
        marks = ",".join("?" * len(IN_FLIGHT))

        def run(conn: sqlite3.Connection) -> Run | None:
            conn.execute(
                f"UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?) "
                f"WHERE id = ? AND status IN ({marks})", [at, run_id, *map(str, IN_FLIGHT)])
            return _get_run(conn, run_id)
        return await self._transact(run)

    async def cancel_requests(self, owner: str) -> list[str]:
        return await self._look_up(lambda conn: [r[0] for r in conn.execute(
            "SELECT id FROM runs WHERE owner = ? AND cancel_requested_at IS NOT NULL",
            (owner,))])

    async def orphans(self, now: float) -> list[Run]:
        return await self._read(lambda conn: [_row_to_run(r) for r in conn.execute(
            f"SELECT {_COLUMNS} FROM runs WHERE status IN ('queued', 'running') "
            "AND (owner IS NULL OR lease_expires_at < ?) ORDER BY created_at", (now,))])

    # -- reads -------------------------------------------------------------------------------

    async def get_run(self, run_id: str) -> Run | None:
        return await self._look_up(lambda conn: _get_run(conn, run_id))

    async def find_run(self, idempotency_key: str) -> Run | None:
        def run(conn: sqlite3.Connection) -> Run | None:
            row = conn.execute(f"SELECT {_COLUMNS} FROM runs WHERE idempotency_key = ?",
                               (idempotency_key,)).fetchone()
            return None if row is None else _row_to_run(row)
        return await self._look_up(run)

    async def list_runs(self, *, session_id: str | None = None,
                        statuses: Collection[RunStatus] | None = None,
                        limit: int = 100) -> list[Run]:
        where, args = [], []
        if session_id is not None:
            where.append("session_id = ?")
            args.append(session_id)
        if statuses:
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            args.extend(map(str, statuses))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        order = "created_at ASC, id ASC" if session_id else "created_at DESC, id DESC"
        return await self._read(lambda conn: [_row_to_run(r) for r in conn.execute(
            f"SELECT {_COLUMNS} FROM runs {clause} ORDER BY {order} LIMIT ?", [*args, limit])])

    async def get_session(self, session_id: str) -> Session | None:
        def run(conn: sqlite3.Connection) -> Session | None:
            row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
            return None if row is None else row_to_session(row)
        return await self._look_up(run)

    async def list_sessions(self, limit: int = 100) -> list[Session]:
        return await self._read(lambda conn: [row_to_session(r) for r in conn.execute(
            "SELECT * FROM sessions ORDER BY updated_at DESC, id DESC LIMIT ?", (limit,))])

    async def read_events(self, run_id: str, after: int = 0,
                          limit: int | None = None) -> list[Event]:
        return await self._read(lambda conn: [_row_to_event(r) for r in conn.execute(
            "SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (run_id, after, -1 if limit is None else limit))])

    async def max_ordinal(self, run_id: str) -> int:
        row = await self._look_up(lambda conn: conn.execute(
            "SELECT MAX(ordinal) FROM events WHERE run_id = ?", (run_id,)).fetchone())
        return int(row[0] or 0)

    async def get_approval(self, approval_id: str) -> Approval | None:
        row = await self._look_up(lambda conn: conn.execute(
            "SELECT * FROM approvals WHERE id = ?", (approval_id,)).fetchone())
        return None if row is None else _row_to_approval(row)

    async def list_approvals(self, *, run_id: str | None = None,
                             status: str | None = None) -> list[Approval]:
        where, args = [], []
        if run_id is not None:
            where.append("run_id = ?")
            args.append(run_id)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return await self._read(lambda conn: [_row_to_approval(r) for r in conn.execute(
            f"SELECT * FROM approvals {clause} ORDER BY created_at, id", args)])

    async def ledger(self, run_id: str) -> dict[str, LedgerEntry]:
        rows = await self._look_up(lambda conn: conn.execute(
            "SELECT * FROM ledger WHERE run_id = ?", (run_id,)).fetchall())
        return {r[1]: LedgerEntry(r[0], r[1], r[2], json_text.loads(r[3]), bool(r[4]),
                                  LedgerStatus(r[5]), r[6], r[9], _load(r[7]), _load(r[8]),
                                  r[10]) for r in rows}

    async def list_artifacts(self, run_id: str) -> list[Artifact]:
        rows = await self._look_up(lambda conn: conn.execute(
            "SELECT * FROM artifacts WHERE run_id = ? ORDER BY created_at, id",
            (run_id,)).fetchall())
        return [Artifact(*r) for r in rows]

    async def list_attempts(self, run_id: str) -> list[Attempt]:
        rows = await self._look_up(lambda conn: conn.execute(
            "SELECT * FROM attempts WHERE run_id = ? ORDER BY number", (run_id,)).fetchall())
        return [Attempt(r[0], r[1], r[3], r[2], r[4], r[5], _load(r[6])) for r in rows]

    async def record_sink_failure(self, sink: str, error: str, at: float) -> None:
        await self._transact(lambda conn: conn.execute(
            "INSERT INTO sink_health VALUES (?, 1, ?, ?) ON CONFLICT(sink) DO UPDATE SET "
            "failures = failures + 1, last_error = excluded.last_error, "
            "last_at = excluded.last_at", (sink, error, at)))

    async def sink_health(self) -> dict[str, dict[str, Any]]:
        rows = await self._read(lambda conn: conn.execute(
            "SELECT * FROM sink_health ORDER BY sink").fetchall())
        return {r[0]: {"failures": r[1], "lastError": r[2], "lastAt": r[3]} for r in rows}


# -- statements (run on a connection's thread) -----------------------------------------------

_COLUMNS = ",".join(RUN_COLUMNS)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _get_run(conn: sqlite3.Connection, run_id: str) -> Run | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
    return None if row is None else _row_to_run(row)


def _refuse_duplicates(conn: sqlite3.Connection, runs: list[Run]) -> None:
    """Raise :class:`DuplicateRunError` naming every new run whose id or idempotency key is
    stored already or taken by an earlier run of the same batch (which then is written)."""
    ids = [r.id for r in runs]
    keys = [r.idempotency_key for r in runs if r.idempotency_key is not None]
    taken_ids: set[str] = set()
    taken_keys: set[str] = set()
    for values, column, taken in ((ids, "id", taken_ids), (keys, "idempotency_key", taken_keys)):
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            taken.update(row[0] for row in conn.execute(
                f"SELECT {column} FROM runs WHERE {column} IN ({','.join('?' * len(chunk))})",
                chunk))
    duplicates = set()
    for run in runs:
        key = run.idempotency_key
        if run.id in taken_ids or (key is not None and key in taken_keys):
            duplicates.add(run.id)
            continue
        taken_ids.add(run.id)
        if key is not None:
            taken_keys.add(key)
    if duplicates:
        raise DuplicateRunError(
            f"run id or idempotency key already stored: {', '.join(sorted(duplicates))}",
            runs=frozenset(duplicates))


def _fence(conn: sqlite3.Connection, batch: WriteBatch) -> None:
    """Refuse a batch that writes to a run another owner has taken over."""
    touched = sorted(batch.touched())
    lost: dict[str, str] = {}
    for start in range(0, len(touched), 500):
        chunk = touched[start:start + 500]
        rows = conn.execute(
            f"SELECT id, owner FROM runs WHERE id IN ({','.join('?' * len(chunk))}) "
            "AND (owner IS NULL OR owner != ?)", [*chunk, batch.owner]).fetchall()
        lost.update({run_id: owner or "nobody" for run_id, owner in rows})
    if lost:
        raise LeaseLostError(lost)


def _apply(conn: sqlite3.Connection, batch: WriteBatch) -> None:
    if batch.sessions:
        conn.executemany(
            "INSERT OR IGNORE INTO sessions VALUES (?,?,?,?,?)",
            [(s.id, s.agent, _dump(s.metadata), s.created_at, s.updated_at)
             for s in batch.sessions])
    for run in batch.new_runs:
        conn.execute(
            f"INSERT INTO runs VALUES ({','.join('?' * len(RUN_COLUMNS))})",
            [_run_value(c, getattr(run, c)) for c in RUN_COLUMNS])
        # a thread created before its first run (LangGraph API) takes that run's agent
        conn.execute("UPDATE sessions SET updated_at = ?, agent = CASE WHEN agent = '' "
                     "THEN ? ELSE agent END WHERE id = ?",
                     (run.created_at, run.agent, run.session_id))
    for patch in batch.patches:
        names = list(patch.fields)
        conn.execute(
            f"UPDATE runs SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
            [*(_run_value(n, patch.fields[n]) for n in names), patch.run_id])
    if batch.events:
        conn.executemany(
            "INSERT INTO events VALUES (?,?,?,?,?,?,?,?)",
            [(e.run_id, e.seq, e.type, e.session_id, e.timestamp, e.parent_id,
              _dump(e.payload), e.ordinal) for e in batch.events])
        last: dict[str, int] = {}
        for e in batch.events:
            last[e.run_id] = max(e.seq, last.get(e.run_id, 0))
        conn.executemany("UPDATE runs SET last_seq = MAX(last_seq, ?) WHERE id = ?",
                         [(seq, run_id) for run_id, seq in last.items()])
    if batch.approvals:
        conn.executemany("INSERT OR REPLACE INTO approvals VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                         [_approval_row(a) for a in batch.approvals])
    if batch.artifacts:
        conn.executemany(
            "INSERT INTO artifacts VALUES (?,?,?,?,?,?,?)",
            [(a.id, a.run_id, a.name, a.media_type, a.content, a.sha256, a.created_at)
             for a in batch.artifacts])
    if batch.ledger:
        conn.executemany(
            "INSERT OR REPLACE INTO ledger VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(e.run_id, e.call_key, e.tool, _dump(e.arguments), int(e.idempotent),
              str(e.status), e.attempt, _dump(e.result), _dump(e.error), e.started_at,
              e.ended_at) for e in batch.ledger])
    if batch.attempts:
        conn.executemany(
            "INSERT OR REPLACE INTO attempts VALUES (?,?,?,?,?,?,?)",
            [(a.run_id, a.number, a.reason, a.started_at, a.ended_at, a.outcome,
              _dump(a.error)) for a in batch.attempts])
