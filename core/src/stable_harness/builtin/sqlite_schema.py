"""Versioned schema of the SQLite run store. Append migrations; never edit a released one."""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    # 1: initial schema
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY, agent TEXT NOT NULL, metadata TEXT NOT NULL,
        created_at REAL NOT NULL, updated_at REAL NOT NULL);
    CREATE TABLE runs (
        id TEXT PRIMARY KEY, session_id TEXT NOT NULL, agent TEXT NOT NULL,
        status TEXT NOT NULL, input TEXT NOT NULL, metadata TEXT NOT NULL,
        tool_call TEXT, idempotency_key TEXT UNIQUE, fingerprint TEXT, timeout_seconds REAL,
        output TEXT, error TEXT, attempt INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL, updated_at REAL NOT NULL, started_at REAL, ended_at REAL,
        cancelled_at REAL, cancel_requested_at REAL, owner TEXT, lease_expires_at REAL,
        rolled_back INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX runs_session ON runs(session_id, created_at);
    CREATE INDEX runs_status ON runs(status);
    CREATE INDEX runs_owner ON runs(owner);
    CREATE TABLE events (
        run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
        session_id TEXT NOT NULL, ts TEXT NOT NULL, parent_id TEXT, payload TEXT NOT NULL,
        ordinal INTEGER, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
    CREATE TABLE approvals (
        id TEXT PRIMARY KEY, run_id TEXT NOT NULL, session_id TEXT NOT NULL,
        key TEXT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL, requester TEXT NOT NULL,
        status TEXT NOT NULL, decision TEXT, created_at REAL NOT NULL, resolved_at REAL,
        UNIQUE (run_id, key));
    CREATE INDEX approvals_status ON approvals(status);
    CREATE TABLE artifacts (
        id TEXT PRIMARY KEY, run_id TEXT NOT NULL, name TEXT NOT NULL,
        media_type TEXT NOT NULL, content BLOB NOT NULL, sha256 TEXT NOT NULL,
        created_at REAL NOT NULL);
    CREATE INDEX artifacts_run ON artifacts(run_id, created_at);
    CREATE TABLE ledger (
        run_id TEXT NOT NULL, call_key TEXT NOT NULL, tool TEXT NOT NULL,
        arguments TEXT NOT NULL, idempotent INTEGER NOT NULL, status TEXT NOT NULL,
        attempt INTEGER NOT NULL, result TEXT, error TEXT, started_at REAL NOT NULL,
        ended_at REAL, PRIMARY KEY (run_id, call_key)) WITHOUT ROWID;
    CREATE TABLE attempts (
        run_id TEXT NOT NULL, number INTEGER NOT NULL, reason TEXT NOT NULL,
        started_at REAL NOT NULL, ended_at REAL, outcome TEXT, error TEXT,
        PRIMARY KEY (run_id, number)) WITHOUT ROWID;
    CREATE TABLE sink_health (
        sink TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_error TEXT, last_at REAL);
    """,
    # 2: runs remember the run that started them and the memory scope they were given
    """
    ALTER TABLE runs ADD COLUMN parent_run_id TEXT;
    ALTER TABLE runs ADD COLUMN memory TEXT;
    CREATE INDEX runs_parent ON runs(parent_run_id);
    """,
    # 3: a run may be a Workflow document's, compiled by a graph-capable backend
    """
    ALTER TABLE runs ADD COLUMN workflow TEXT;
    """,
    # 4: what a run gives its framework as is; documents surfaces keep (assistants)
    """
    ALTER TABLE runs ADD COLUMN upstream TEXT;
    CREATE TABLE documents (
        kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, created_at REAL NOT NULL,
        updated_at REAL NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNewError(Exception):
    """The database was written by a newer stable-harness."""


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the
    version. ``PRAGMA user_version`` records how far a database has come."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"database schema version {version} is newer than this stable-harness supports "
            f"({SCHEMA_VERSION}); upgrade stable-harness-core")
    for number in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # re-check under the write lock: another process may have migrated meanwhile
            if conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                conn.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
