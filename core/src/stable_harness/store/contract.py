"""What the runtime needs from a run store.

A store is the source of truth for runs, sessions, events, approvals, artifacts, attempts and
the tool-call ledger. The runtime owns ordering: it assigns each event's ``seq`` while it holds
the run's lease, and hands writes to :meth:`RunStore.write` in batches that must commit
atomically and in order. Operations on runs nobody holds (resolving an approval, cancelling a
queued run, failing a crashed one) go through :meth:`RunStore.update_unowned`, which checks a
condition and assigns sequence numbers inside one transaction, so two processes sharing a store
never interleave.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from stable_harness.runs.events import Event
from stable_harness.runs.models import (
    Approval,
    Artifact,
    Attempt,
    Document,
    LedgerEntry,
    Run,
    Session,
)
from stable_harness.runs.states import RunStatus


@dataclass(frozen=True)
class RunPatch:
    """Set ``fields`` (``Run`` attribute names) on one run."""

    run_id: str
    fields: dict[str, Any]


@dataclass
class WriteBatch:
    """Everything one transaction writes; applied in the order of the fields below."""

    sessions: list[Session] = field(default_factory=list)  # inserted if absent
    new_runs: list[Run] = field(default_factory=list)
    patches: list[RunPatch] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)  # inserted or replaced
    artifacts: list[Artifact] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)  # inserted or replaced
    attempts: list[Attempt] = field(default_factory=list)  # inserted or replaced
    # The writer's owner id: every run the batch touches (but its new runs) must be held by
    # this owner, else the store refuses the whole batch (:class:`LeaseLostError`).
    owner: str | None = None

    def __bool__(self) -> bool:
        return any((self.sessions, self.new_runs, self.patches, self.events, self.approvals,
                    self.artifacts, self.ledger, self.attempts))

    def touched(self) -> set[str]:
        """Ids of the existing runs this batch writes to (its new runs left out)."""
        ids = {p.run_id for p in self.patches} | {e.run_id for e in self.events}
        for items in (self.approvals, self.artifacts, self.ledger, self.attempts):
            ids |= {item.run_id for item in items}
        return ids - {r.id for r in self.new_runs}

    def without(self, run_ids: set[str]) -> WriteBatch:
        """This batch less everything it writes to ``run_ids``."""
        def keep(items: list[Any]) -> list[Any]:
            return [i for i in items if i.run_id not in run_ids]
        return WriteBatch(self.sessions, self.new_runs, keep(self.patches), keep(self.events),
                          keep(self.approvals), keep(self.artifacts), keep(self.ledger),
                          keep(self.attempts), self.owner)

    def without_new(self, run_ids: frozenset[str]) -> WriteBatch:
        """This batch less the new runs ``run_ids``, what it writes to them, and the sessions
        only they were to create."""
        dropped = self.without(set(run_ids))
        runs = [r for r in self.new_runs if r.id not in run_ids]
        gone = {r.session_id for r in self.new_runs if r.id in run_ids} - {
            r.session_id for r in runs}
        dropped.new_runs = runs
        dropped.sessions = [s for s in self.sessions if s.id not in gone]
        return dropped


@dataclass(frozen=True)
class PendingEvent:
    """An event to append to a run nobody holds; the store assigns its ``seq``."""

    type: str
    payload: dict[str, Any]
    parent_id: str | None = None


class DuplicateRunError(Exception):
    """``write`` found a new run whose id or idempotency key is stored already (or taken by
    an earlier new run of the same batch); ``runs`` holds the ids of those new runs, so a
    caller that batched several can drop them and write the rest. Nothing of the batch was
    written."""

    def __init__(self, message: str, runs: frozenset[str] = frozenset()) -> None:
        self.runs = runs
        super().__init__(message)


class LeaseLostError(Exception):
    """``write`` of a batch with an ``owner`` touched runs that owner does not hold;
    ``lost`` maps each such run id to its owner (``nobody`` when released). Nothing of the
    batch was written."""

    def __init__(self, lost: dict[str, str]) -> None:
        self.lost = lost
        super().__init__(", ".join(f"run {r} is held by {o}" for r, o in sorted(lost.items())))


@runtime_checkable
class RunStore(Protocol):
    """The run-store contract (``stable_harness_register_run_stores`` returns factories)."""

    async def open(self) -> None:
        """Create or migrate the schema; called once before any other method."""

    async def close(self) -> None:
        """Release connections."""

    async def write(self, batch: WriteBatch) -> None:
        """Commit ``batch`` atomically; raise :class:`DuplicateRunError` on a duplicate run id
        or idempotency key (naming the new runs at fault in ``runs``), and
        :class:`LeaseLostError` when ``batch.owner`` is set and a run it touches is not held
        by that owner (checked inside the transaction); either way write nothing."""

    async def update_unowned(
        self, run_id: str, expect: Collection[RunStatus], fields: dict[str, Any],
        events: Sequence[PendingEvent], *, approval: Approval | None = None,
        expect_approval_pending: bool = False, allow_expired_lease_at: float | None = None,
    ) -> tuple[Run, list[Event]] | None:
        """If the run's status is in ``expect`` and no live owner holds it (owner empty, or its
        lease expired before ``allow_expired_lease_at``), set ``fields``, append ``events`` with
        the next sequence numbers and store ``approval`` (only if it is still pending when
        ``expect_approval_pending``); return the updated run and the stored events, else None."""

    async def claim(self, run_id: str, owner: str, until: float, now: float,
                    expect: Collection[RunStatus]) -> Run | None:
        """Take the lease of a run in one of ``expect`` whose lease is free or expired (or
        already ours); return it, or None when someone else holds it."""

    async def renew(self, owner: str, until: float) -> int:
        """Extend every lease ``owner`` holds; return how many."""

    async def release(self, run_id: str, owner: str) -> None:
        """Give up the lease of ``run_id`` if ``owner`` holds it."""

    async def request_cancel(self, run_id: str, at: float) -> Run | None:
        """Mark a cancel request on an in-flight run (for its owner to act on)."""

    async def cancel_requests(self, owner: str) -> list[str]:
        """Ids of runs ``owner`` holds that have a pending cancel request."""

    async def orphans(self, now: float) -> list[Run]:
        """In-flight runs (queued or running) whose lease is free or expired."""

    async def get_run(self, run_id: str) -> Run | None:
        """One run."""

    async def find_run(self, idempotency_key: str) -> Run | None:
        """The run created with ``idempotency_key``."""

    async def list_runs(self, *, session_id: str | None = None,
                        statuses: Collection[RunStatus] | None = None,
                        limit: int = 100) -> list[Run]:
        """Runs, newest first; in creation order when ``session_id`` is given."""

    async def get_session(self, session_id: str) -> Session | None:
        """One session."""

    async def list_sessions(self, limit: int = 100) -> list[Session]:
        """Sessions, most recently updated first."""

    async def update_session(self, session_id: str, metadata: dict[str, Any], at: float
                             ) -> Session | None:
        """Replace a session's metadata (``updated_at`` = ``at``); None if it is unknown."""
        ...

    async def delete_session(self, session_id: str) -> bool:
        """Delete a session with its runs and everything recorded about them; False if it
        was unknown. The caller makes sure none of its runs is in flight."""
        ...

    async def delete_run(self, run_id: str) -> bool:
        """Delete a run and everything recorded about it; False if it was unknown. The caller
        makes sure it is not in flight."""
        ...

    async def put_document(self, kind: str, id_: str, body: dict[str, Any], at: float
                           ) -> Document:
        """Insert or replace document ``(kind, id_)``; ``created_at`` stays the first one's."""
        ...

    async def get_document(self, kind: str, id_: str) -> Document | None:
        """One document, or None."""
        ...

    async def list_documents(self, kind: str, limit: int = 1000) -> list[Document]:
        """Documents of ``kind``, oldest first."""
        ...

    async def delete_document(self, kind: str, id_: str) -> bool:
        """Delete a document; False if there was none."""
        ...

    async def read_events(self, run_id: str, after: int = 0,
                          limit: int | None = None) -> list[Event]:
        """Events of a run with ``seq > after``, in order."""

    async def max_ordinal(self, run_id: str) -> int:
        """Highest backend ordinal among a run's events (0 when none)."""

    async def get_approval(self, approval_id: str) -> Approval | None:
        """One approval."""

    async def list_approvals(self, *, run_id: str | None = None,
                             status: str | None = None) -> list[Approval]:
        """Approvals, oldest first."""

    async def ledger(self, run_id: str) -> dict[str, LedgerEntry]:
        """A run's tool-call ledger by call key."""

    async def list_artifacts(self, run_id: str) -> list[Artifact]:
        """A run's artifacts in the order recorded."""

    async def list_attempts(self, run_id: str) -> list[Attempt]:
        """A run's attempts in order."""

    async def record_sink_failure(self, sink: str, error: str, at: float) -> None:
        """Count a failure of event sink ``sink``."""

    async def sink_health(self) -> dict[str, dict[str, Any]]:
        """Per sink: ``failures``, ``lastError``, ``lastAt``."""


@runtime_checkable
class StoreSignals(Protocol):
    """Optional for a run store: wake-ups between the processes sharing it (the embedded
    store uses named pipes; a Postgres store would use ``LISTEN``/``NOTIFY``). Without them,
    processes notice each other's changes by polling; with them, promptly."""

    def signal(self, channel: str) -> None:
        """Wake every listener of ``channel`` (see :func:`owner_channel`, :func:`run_channel`);
        never raises, and nobody listening is fine."""

    def listen(self, channel: str, wake: Callable[[], None]) -> Callable[[], None]:
        """Call ``wake`` on the running event loop whenever ``channel`` is signalled; return
        the function that stops listening."""


def owner_channel(owner: str) -> str:
    """The channel an owner listens on for cancels requested by other processes."""
    return f"owner:{owner}"


def run_channel(run_id: str) -> str:
    """The channel signalled when a run's state changes (for waiters in other processes)."""
    return f"run:{run_id}"
