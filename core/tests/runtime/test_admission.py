"""Run admission with the store's I/O off the event loop: starts are batched into shared
commits, a duplicate fails alone, one session admits one run at a time, and a store locked by
another process does not freeze the loop."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from stable_harness.errors import SessionBusyError
from stable_harness.runs.states import RunStatus
from stable_harness.runtime import Runtime

from .rt_workspace import write_workspace


async def test_a_burst_of_starts_shares_commits_and_every_run_completes(rt: Runtime) -> None:
    admitted_per_commit: list[int] = []
    inner = rt.store.write

    async def counting(batch):  # type: ignore[no-untyped-def]
        if batch.new_runs:
            admitted_per_commit.append(len(batch.new_runs))
        await inner(batch)

    rt.store.write = counting  # type: ignore[method-assign]
    runs = await asyncio.gather(*(rt.start(str(i), agent="echo") for i in range(50)))
    done = await asyncio.gather(*(rt.wait(r.id, timeout=20) for r in runs))
    assert {r.status for r in done} == {RunStatus.COMPLETED}
    assert [r.output for r in done] == [f"echo: {i}" for i in range(50)]
    queued = [e for r in runs for e in [e async for e in rt.events(r.id)][:1]]
    assert {e.type for e in queued} == {"harness.run.queued"}
    assert sum(admitted_per_commit) == 50
    assert len(admitted_per_commit) < 50  # starts shared commits


async def test_one_duplicate_key_in_a_burst_fails_nobody_else(rt: Runtime) -> None:
    first = await rt.run("x", agent="echo", idempotency_key="k-1")
    same, *others = await asyncio.gather(
        rt.start("x", agent="echo", idempotency_key="k-1"),
        *(rt.start(str(i), agent="echo", idempotency_key=f"k-other-{i}") for i in range(5)),
        rt.start("x", agent="echo", idempotency_key="k-2"),
        rt.start("x", agent="echo", idempotency_key="k-2"))
    assert same.id == first.id
    twins = others[-2:]
    assert twins[0].id == twins[1].id  # the same key twice in one burst: one run
    assert len({r.id for r in others}) == 6
    for run in others:
        assert (await rt.wait(run.id, timeout=10)).status is RunStatus.COMPLETED
    assert len(await rt.list_runs(limit=100)) == 7


async def test_concurrent_starts_in_one_session_admit_one_run(rt: Runtime) -> None:
    results = await asyncio.gather(
        *(rt.start("30", agent="sleeper", session_id="busy") for _ in range(6)),
        return_exceptions=True)
    admitted = [r for r in results if not isinstance(r, BaseException)]
    assert len(admitted) == 1
    assert all(isinstance(r, SessionBusyError) for r in results if r not in admitted)
    await rt.cancel(admitted[0].id)


async def test_concurrent_starts_enqueue_in_order(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RT_EFFECT_FILE", str(tmp_path / "effects.log"))
    async with await Runtime.open(write_workspace(tmp_path / "ws", busy="enqueue")) as rt:
        runs = [rt.start(str(i), agent="history", session_id="s") for i in range(5)]
        started = await asyncio.gather(*runs)
        last = await rt.wait(started[-1].id, timeout=20)
        assert last.status is RunStatus.COMPLETED
        finished = [await rt.get_run(r.id) for r in started]
        assert {r.status for r in finished} == {RunStatus.COMPLETED}
        assert len(last.output) == 4  # the four runs before it, each finished first


async def test_a_store_locked_by_another_process_does_not_freeze_the_loop(rt: Runtime) -> None:
    db = rt.workspace.root / ".stable-harness" / "runtime.db"
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        start = asyncio.ensure_future(rt.start("x", agent="echo"))
        for _ in range(20):  # the loop keeps running other work while the start waits
            await asyncio.sleep(0.005)
        assert not start.done()  # (on the loop's thread, the start would block it, then fail)
    finally:
        other.execute("COMMIT")
        other.close()
    run = await start
    assert (await rt.wait(run.id, timeout=10)).status is RunStatus.COMPLETED


async def test_the_run_a_start_returns_is_the_callers_snapshot(rt: Runtime) -> None:
    """The driving task changes its own copy: the caller's run stays as it was acknowledged
    (a shared object let a caller see a state the store did not hold yet)."""
    run = await rt.start("z", agent="failing")
    done = await rt.wait(run.id, timeout=20)
    assert done.status is RunStatus.FAILED
    assert run.status is RunStatus.QUEUED
    assert run.attempt == 0
