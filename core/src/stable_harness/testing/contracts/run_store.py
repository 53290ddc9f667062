"""The run store contract suite.

A run-store plugin's tests subclass :class:`RunStoreContract` with ``store = "<name>"`` and the
``config`` to build it with (or override :meth:`RunStoreContract.make_store`). Every test gets
a fresh, opened store; ``reopen`` checks what must survive a restart.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from stable_harness.records import Slot
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
)
from stable_harness.runs.states import RunStatus
from stable_harness.store.contract import (
    DuplicateRunError,
    LeaseLostError,
    PendingEvent,
    RunPatch,
    RunStore,
    StoreSignals,
    WriteBatch,
)
from stable_harness.testing.contracts.base import ContractSuite, build


def new_run(session: str = "s1", status: RunStatus = RunStatus.QUEUED, *,
            key: str | None = None, at: float | None = None) -> Run:
    """A run record as the runtime creates it."""
    now = time.time() if at is None else at
    return Run(id=f"run-{uuid.uuid4().hex[:12]}", session_id=session, agent="a",
               status=status, input={"text": "hi"}, created_at=now, updated_at=now,
               metadata={"k": "v"}, idempotency_key=key)


def event(run: Run, seq: int, type_: str = "harness.run.queued", **payload: Any) -> Event:
    """An event of ``run`` with sequence ``seq``."""
    return Event(run_id=run.id, seq=seq, type=type_, session_id=run.session_id,
                 timestamp=now_iso(), payload=payload)


def session(session_id: str = "s1") -> Session:
    now = time.time()
    return Session(id=session_id, agent="a", created_at=now, updated_at=now)


class RunStoreContract(ContractSuite):
    """Subclass with ``store`` (the registered name) and ``config``."""

    store: ClassVar[str]
    config: ClassVar[dict[str, Any]] = {}

    def make_store(self, base: Path) -> RunStore:
        """Build a store whose data lives under ``base`` (called again by ``reopen``)."""
        store: RunStore = build(Slot.RUN_STORE, self.store, self.config, base=base)
        return store

    @pytest.fixture
    async def run_store(self, tmp_path: Path) -> AsyncIterator[RunStore]:
        store = self.make_store(tmp_path)
        await store.open()
        yield store
        await store.close()

    async def reopen(self, store: RunStore, base: Path) -> RunStore:
        await store.close()
        fresh = self.make_store(base)
        await fresh.open()
        return fresh

    async def add(self, store: RunStore, run: Run, *events: Event) -> Run:
        await store.write(WriteBatch(sessions=[session(run.session_id)], new_runs=[run],
                                     events=list(events)))
        return run

    # -- the contract -----------------------------------------------------------------------

    async def test_written_runs_and_events_read_back(self, run_store: RunStore) -> None:
        """A committed run reads back field for field (``last_seq`` is the highest event
        ``seq`` written), and its events come back in ``seq`` order, filtered by ``after`` and
        ``limit``.

        Fix: store every ``Run`` field (JSON values as JSON), keep ``last_seq`` with the
        events, and order events by ``seq``."""
        run = new_run()
        await self.add(run_store, run, *(event(run, n, step=n) for n in (1, 2, 3)))
        run.last_seq = 3
        assert await run_store.get_run(run.id) == run
        assert [e.seq for e in await run_store.read_events(run.id)] == [1, 2, 3]
        assert [e.seq for e in await run_store.read_events(run.id, after=1, limit=1)] == [2]
        assert (await run_store.read_events(run.id))[2].payload == {"step": 3}
        assert await run_store.get_session("s1") is not None
        assert await run_store.get_run("missing") is None

    async def test_sessions_can_be_updated_and_deleted(self, run_store: RunStore) -> None:
        """A session created before its first run (agent ``""``) takes that run's agent;
        its metadata can be replaced; deleting it removes its runs and their events and
        approvals, and nothing of other sessions.

        Fix: set the agent of an agent-less session when a run is inserted, and delete by
        session id across the run tables."""
        now = time.time()
        await run_store.write(WriteBatch(sessions=[Session("t1", "", now, now, {"a": 1})]))
        run = new_run("t1")
        run.upstream = {"streamMode": ["values"]}
        other = new_run("s2")
        await self.add(run_store, run, event(run, 1))
        await self.add(run_store, other, event(other, 1))
        stored_run = await run_store.get_run(run.id)
        assert stored_run is not None
        assert stored_run.upstream == {"streamMode": ["values"]}
        stored = await run_store.get_session("t1")
        assert stored is not None
        assert stored.agent == "a"
        assert stored.metadata == {"a": 1}
        updated = await run_store.update_session("t1", {"b": 2}, now + 1)
        assert updated is not None
        assert updated.metadata == {"b": 2}
        assert await run_store.update_session("nope", {}, now) is None
        assert await run_store.delete_session("t1") is True
        assert await run_store.get_session("t1") is None
        assert await run_store.get_run(run.id) is None
        assert await run_store.read_events(run.id) == []
        assert await run_store.delete_session("t1") is False
        assert await run_store.get_run(other.id) is not None
        assert await run_store.delete_run(other.id) is True
        assert await run_store.get_run(other.id) is None
        assert await run_store.read_events(other.id) == []
        assert await run_store.delete_run(other.id) is False

    async def test_documents_are_kept_by_kind_and_id(self, run_store: RunStore) -> None:
        """Documents upsert by ``(kind, id)`` keeping their first ``created_at``, list by kind
        oldest first, and delete.

        Fix: one row per kind and id; an update replaces the body and ``updated_at``."""
        first = await run_store.put_document("assistant", "x", {"v": 1}, 10.0)
        await run_store.put_document("assistant", "y", {"v": 9}, 11.0)
        await run_store.put_document("cron", "x", {"v": 0}, 12.0)
        again = await run_store.put_document("assistant", "x", {"v": 2}, 20.0)
        assert (first.created_at, again.created_at, again.updated_at) == (10.0, 10.0, 20.0)
        got = await run_store.get_document("assistant", "x")
        assert got is not None
        assert got.body == {"v": 2}
        assert [d.id for d in await run_store.list_documents("assistant")] == ["x", "y"]
        assert await run_store.delete_document("assistant", "x") is True
        assert await run_store.delete_document("assistant", "x") is False
        assert await run_store.get_document("assistant", "x") is None
        assert await run_store.get_document("cron", "x") is not None

    async def test_a_duplicate_run_writes_nothing(self, run_store: RunStore) -> None:
        """A batch with an existing run id or idempotency key raises ``DuplicateRunError``
        and none of the batch is written (admission relies on it for exactly-once).

        Fix: write a batch in one transaction and map the unique-key violation."""
        first = await self.add(run_store, new_run(key="k1"))
        again = new_run(key="k1")
        with pytest.raises(DuplicateRunError):
            await run_store.write(WriteBatch(new_runs=[again], events=[event(again, 1)]))
        assert await run_store.get_run(again.id) is None
        assert await run_store.read_events(again.id) == []
        assert (await run_store.find_run("k1")).id == first.id  # type: ignore[union-attr]
        with pytest.raises(DuplicateRunError):
            await run_store.write(WriteBatch(new_runs=[first]))

    async def test_a_duplicate_names_the_new_runs_at_fault(self, run_store: RunStore) -> None:
        """In a batch of several new runs, ``DuplicateRunError.runs`` holds exactly those whose
        id or idempotency key is stored already or taken by an earlier run of the batch, and
        nothing is written (the runtime commits a burst of starts together and fails only the
        duplicates).

        Fix: check ids and keys inside the transaction before inserting; raise with ``runs``."""
        stored = await self.add(run_store, new_run(key="k1"))
        fresh, clash, twin_a, twin_b = (new_run(key="k2"), new_run(key="k1"),
                                        new_run(key="k3"), new_run(key="k3"))
        again = new_run()
        again.id = stored.id
        batch = WriteBatch(sessions=[session()], new_runs=[fresh, clash, twin_a, twin_b, again],
                           events=[event(r, 1) for r in (fresh, clash, twin_a, twin_b)])
        with pytest.raises(DuplicateRunError) as raised:
            await run_store.write(batch)
        assert raised.value.runs == {clash.id, twin_b.id, stored.id}
        for run in (fresh, clash, twin_a, twin_b):
            assert await run_store.get_run(run.id) is None
        await run_store.write(batch.without_new(raised.value.runs))
        assert (await run_store.find_run("k2")).id == fresh.id  # type: ignore[union-attr]
        assert (await run_store.find_run("k3")).id == twin_a.id  # type: ignore[union-attr]
        assert (await run_store.find_run("k1")).id == stored.id  # type: ignore[union-attr]
        assert [e.seq for e in await run_store.read_events(twin_a.id)] == [1]

    async def test_patches_and_events_commit_together(self, run_store: RunStore) -> None:
        """Patches set run fields; events, approvals, ledger entries, attempts and artifacts
        of one batch are all visible after ``write`` returns.

        Fix: apply every part of ``WriteBatch`` in the documented order, in one commit."""
        run = await self.add(run_store, new_run())
        now = time.time()
        approval = Approval(id="ap1", run_id=run.id, session_id=run.session_id, key="k",
                            action={"tool": "t"}, reason="r", requester="x", created_at=now)
        ledger = LedgerEntry(run_id=run.id, call_key="c1", tool="t", arguments={"a": 1},
                             idempotent=False, status=LedgerStatus.STARTED, attempt=1,
                             started_at=now)
        artifact = Artifact(id="f1", run_id=run.id, name="out.txt", media_type="text/plain",
                            content=b"\x00bytes", sha256="0" * 64, created_at=now)
        await run_store.write(WriteBatch(
            patches=[RunPatch(run.id, {"status": RunStatus.RUNNING, "output": {"x": [1]}})],
            events=[event(run, 1, "harness.run.started")], approvals=[approval],
            ledger=[ledger], attempts=[Attempt(run.id, 1, now, "start")],
            artifacts=[artifact]))
        stored = await run_store.get_run(run.id)
        assert stored is not None
        assert (stored.status, stored.output) == (RunStatus.RUNNING, {"x": [1]})
        assert await run_store.get_approval("ap1") == approval
        assert await run_store.ledger(run.id) == {"c1": ledger}
        assert [a.number for a in await run_store.list_attempts(run.id)] == [1]
        assert (await run_store.list_artifacts(run.id))[0].content == b"\x00bytes"

    async def test_replaced_records_keep_one_row(self, run_store: RunStore) -> None:
        """Writing an approval, ledger entry or attempt again with the same key replaces it
        (the runtime records intent, then outcome).

        Fix: upsert by (approval id), (run, call key) and (run, attempt number)."""
        run = await self.add(run_store, new_run())
        now = time.time()
        entry = LedgerEntry(run_id=run.id, call_key="c1", tool="t", arguments={},
                            idempotent=True, status=LedgerStatus.STARTED, attempt=1,
                            started_at=now)
        approval = Approval(id="ap1", run_id=run.id, session_id=run.session_id, key="k",
                            action={}, reason="r", requester="x", created_at=now)
        await run_store.write(WriteBatch(ledger=[entry], approvals=[approval]))
        entry.status, entry.result, entry.ended_at = LedgerStatus.SUCCEEDED, {"ok": 1}, now
        approval.status = "approve"
        approval.decision = Decision(DecisionKind.APPROVE, by="me")
        await run_store.write(WriteBatch(ledger=[entry], approvals=[approval]))
        assert (await run_store.ledger(run.id))["c1"].result == {"ok": 1}
        assert [a.status for a in await run_store.list_approvals(run_id=run.id)] == ["approve"]
        assert await run_store.list_approvals(status="pending") == []

    async def test_a_lease_has_one_holder(self, run_store: RunStore) -> None:
        """Only one owner holds a run until its lease expires or is released; ``renew``
        extends what an owner holds.

        Fix: claim with a conditional update (owner empty, ours, or lease expired)."""
        run = await self.add(run_store, new_run())
        now = time.time()
        expect = {RunStatus.QUEUED}
        assert await run_store.claim(run.id, "A", now + 30, now, expect) is not None
        assert await run_store.claim(run.id, "B", now + 30, now, expect) is None
        assert await run_store.renew("A", now + 60) == 1
        assert await run_store.claim(run.id, "B", now + 90, now + 45, expect) is None
        assert await run_store.claim(run.id, "B", now + 90, now + 61, expect) is not None
        await run_store.release(run.id, "B")
        assert await run_store.claim(run.id, "C", now + 30, now, expect) is not None
        assert await run_store.claim(run.id, "C", now + 30, now, {RunStatus.RUNNING}) is None

    async def test_a_stale_owner_writes_nothing(self, run_store: RunStore) -> None:
        """A batch written with ``owner`` set writes only to runs that owner holds: one that
        touches a run held by another owner, or by nobody (taken over and released since), is
        refused whole with :class:`LeaseLostError` naming the run and its owner (``nobody``).
        A batch without ``owner`` is not fenced.

        Fix: inside the write transaction, read the owners of ``batch.touched()`` and raise
        before applying anything."""
        mine, taken = await self.add(run_store, new_run()), await self.add(run_store, new_run())
        now = time.time()
        assert await run_store.claim(mine.id, "A", now + 30, now, {RunStatus.QUEUED})
        assert await run_store.claim(taken.id, "B", now + 30, now, {RunStatus.QUEUED})
        batch = WriteBatch(events=[event(mine, 2, "harness.custom"),
                                   event(taken, 2, "harness.custom")], owner="A")
        with pytest.raises(LeaseLostError) as info:
            await run_store.write(batch)
        assert info.value.lost == {taken.id: "B"}
        assert await run_store.read_events(mine.id) == []
        await run_store.write(batch.without({taken.id}))
        assert [e.seq for e in await run_store.read_events(mine.id)] == [2]
        released = await self.add(run_store, new_run())  # taken over, then released
        with pytest.raises(LeaseLostError) as info:
            await run_store.write(WriteBatch(events=[event(released, 2, "harness.custom")],
                                             owner="A"))
        assert info.value.lost == {released.id: "nobody"}
        assert await run_store.read_events(released.id) == []
        await run_store.write(WriteBatch(events=[event(released, 2, "harness.custom")]))
        assert len(await run_store.read_events(released.id)) == 1  # an unfenced write

    async def test_unowned_updates_are_conditional(self, run_store: RunStore) -> None:
        """``update_unowned`` applies only when the status matches and nobody holds the run,
        and numbers its events after the run's last one.

        Fix: check status and owner and assign ``seq`` in the same transaction."""
        run = await self.add(run_store, new_run())
        await run_store.write(WriteBatch(events=[event(run, 1), event(run, 2)]))
        cancel = [PendingEvent("harness.run.cancelled", {"reason": "x"})]
        fields = {"status": RunStatus.CANCELLED, "cancelled_at": time.time()}
        assert await run_store.update_unowned(run.id, {RunStatus.RUNNING}, fields, cancel) \
            is None
        now = time.time()
        await run_store.claim(run.id, "A", now + 30, now, {RunStatus.QUEUED})
        assert await run_store.update_unowned(run.id, {RunStatus.QUEUED}, fields, cancel) \
            is None
        await run_store.release(run.id, "A")
        updated = await run_store.update_unowned(run.id, {RunStatus.QUEUED}, fields, cancel)
        assert updated is not None
        stored_run, stored_events = updated
        assert stored_run.status == RunStatus.CANCELLED
        assert [e.seq for e in stored_events] == [3]
        assert [e.seq for e in await run_store.read_events(run.id)] == [1, 2, 3]

    async def test_cancel_requests_reach_the_owner(self, run_store: RunStore) -> None:
        """A cancel request on a held run is visible to its owner only.

        Fix: persist ``cancel_requested_at`` and select by owner."""
        run = await self.add(run_store, new_run())
        now = time.time()
        await run_store.claim(run.id, "A", now + 30, now, {RunStatus.QUEUED})
        assert await run_store.request_cancel(run.id, now) is not None
        assert await run_store.cancel_requests("A") == [run.id]
        assert await run_store.cancel_requests("B") == []

    async def test_signals_wake_the_listeners_of_their_channel(self, run_store: RunStore
                                                               ) -> None:
        """A store offering :class:`StoreSignals` wakes every listener of a signalled channel
        and no other; after ``stop`` a listener is not woken. (Stores without signals are
        polled, and pass trivially.)

        Fix: deliver ``signal(channel)`` to each ``listen(channel, wake)`` on the loop."""
        if not isinstance(run_store, StoreSignals):
            return
        woken: list[str] = []
        one = run_store.listen("contract:a", lambda: woken.append("a1"))
        two = run_store.listen("contract:a", lambda: woken.append("a2"))
        other = run_store.listen("contract:b", lambda: woken.append("b"))
        run_store.signal("contract:a")
        for _ in range(200):
            if len(woken) >= 2:
                break
            await asyncio.sleep(0.01)
        assert sorted(woken) == ["a1", "a2"]
        for stop in (one, two, other):
            stop()
        run_store.signal("contract:a")
        await asyncio.sleep(0.05)
        assert sorted(woken) == ["a1", "a2"]

    async def test_orphans_are_in_flight_runs_nobody_holds(self, run_store: RunStore) -> None:
        """Recovery asks for queued or running runs whose lease is free or expired; held
        and finished runs are not orphans.

        Fix: select by status and lease expiry, not by owner alone."""
        now = time.time()
        free = await self.add(run_store, new_run())
        held = await self.add(run_store, new_run())
        done = await self.add(run_store, new_run(status=RunStatus.COMPLETED))
        await run_store.claim(held.id, "A", now + 30, now, {RunStatus.QUEUED})
        ids = {r.id for r in await run_store.orphans(now)}
        assert free.id in ids
        assert held.id not in ids
        assert done.id not in ids
        assert held.id in {r.id for r in await run_store.orphans(now + 31)}

    async def test_listing_orders_and_filters(self, run_store: RunStore) -> None:
        """``list_runs`` is newest first (creation order within a session), filters by
        status and honours ``limit``; ``list_sessions`` lists sessions.

        Fix: order by creation time (then id) as documented in ``RunStore.list_runs``."""
        base = time.time()
        runs = [await self.add(run_store, new_run("s2", at=base + n)) for n in range(3)]
        other = await self.add(run_store, new_run("s3", RunStatus.FAILED, at=base + 5))
        newest = [r.id for r in await run_store.list_runs()]
        assert newest[:4] == [other.id, *(r.id for r in reversed(runs))]
        assert [r.id for r in await run_store.list_runs(session_id="s2")] == \
            [r.id for r in runs]
        assert [r.id for r in await run_store.list_runs(statuses={RunStatus.FAILED})] == \
            [other.id]
        assert len(await run_store.list_runs(limit=2)) == 2
        assert {"s2", "s3"} <= {s.id for s in await run_store.list_sessions()}

    async def test_everything_survives_a_restart(self, run_store: RunStore,
                                                 tmp_path: Path) -> None:
        """What was committed is there after the store is closed and built again from the
        same configuration (a run acknowledged to a client survives a crash).

        Fix: commit durably in ``write``; never keep acknowledged state only in memory."""
        run = new_run(key="durable")
        await self.add(run_store, run, event(run, 1, "harness.run.queued"))
        run.last_seq = 1
        await run_store.record_sink_failure("jsonl", "OSError: disk full", time.time())
        fresh = await self.reopen(run_store, tmp_path)
        try:
            assert await fresh.get_run(run.id) == run
            assert (await fresh.find_run("durable")).id == run.id  # type: ignore[union-attr]
            assert [e.type for e in await fresh.read_events(run.id)] == ["harness.run.queued"]
            assert await fresh.max_ordinal(run.id) == 0
            assert (await fresh.sink_health())["jsonl"]["failures"] == 1
        finally:
            await fresh.close()
        await run_store.open()  # the fixture closes it again
