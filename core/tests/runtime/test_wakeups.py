"""Wake-ups between processes sharing the embedded store: a cancel requested elsewhere reaches
the owner through the store's signals, not its poll, and a waiter elsewhere is woken by the
owner's state changes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from stable_harness.builtin.sqlite_signals import FifoSignals
from stable_harness.runs.states import RunStatus
from stable_harness.runtime import Runtime
from stable_harness.runtime.cancelling import cancel_through_store, wait_terminal
from stable_harness.workspace.store_access import open_run_store

from .rt_workspace import write_workspace


@pytest.fixture
def slow_poll_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The runtime test workspace with a cancel poll far longer than any wait below: only a
    signal can deliver a cancel in time."""
    monkeypatch.setenv("RT_EFFECT_FILE", str(tmp_path / "effects.log"))
    ws = write_workspace(tmp_path / "ws")
    runtime_yaml = ws / "runtime.yaml"
    runtime_yaml.write_text(runtime_yaml.read_text().replace("cancelPollSeconds: 0.02",
                                                             "cancelPollSeconds: 10"))
    return ws


async def test_named_pipes_leave_nothing_behind(tmp_path: Path) -> None:
    """(Delivery is in the run-store contract suite.) Signalling a channel nobody listens on
    creates nothing, and stopping removes each pipe and its channel's folder."""
    signals = FifoSignals(tmp_path / "signals")
    signals.signal("nobody-listens")
    assert not (tmp_path / "signals").exists()
    stops = [signals.listen("a", lambda: None), signals.listen("a", lambda: None),
             signals.listen("b", lambda: None)]
    assert len(list((tmp_path / "signals").rglob("*"))) == 2 + 3  # two folders, three pipes
    for stop in stops:
        stop()
    assert list((tmp_path / "signals").iterdir()) == []


async def test_a_cancel_through_the_store_wakes_the_owner(slow_poll_ws: Path) -> None:
    async with await Runtime.open(slow_poll_ws) as owner:
        run = await owner.start("60", agent="sleeper")
        while (await owner.get_run(run.id)).status is not RunStatus.RUNNING:
            await asyncio.sleep(0.01)
        store = open_run_store(slow_poll_ws)  # what `stable-harness cancel` opens
        await store.open()
        try:
            result = await cancel_through_store(store, run.id, "stop", wait=5)
        finally:
            await store.close()
        assert result["status"] == "cancelled"  # within 5 s, with a 10 s poll: signalled
        assert (await owner.get_run(run.id)).status is RunStatus.CANCELLED


async def test_a_waiter_elsewhere_is_woken_by_the_owners_state_change(ws: Path) -> None:
    async with await Runtime.open(ws) as owner:
        run = await owner.start("0.2", agent="sleeper")
        store = open_run_store(ws)
        await store.open()
        try:  # a poll longer than the wait: only the owner's signal ends it in time
            done = await wait_terminal(store, run.id, timeout=5, poll=30)
        finally:
            await store.close()
        assert done is not None
        assert done.status is RunStatus.COMPLETED


async def test_cancel_through_the_store_settles_a_run_nobody_drives(ws: Path) -> None:
    async with await Runtime.open(ws) as rt:
        parked = await rt.run("x", agent="approver")
        assert parked.status is RunStatus.WAITING_APPROVAL
    store = open_run_store(ws)
    await store.open()
    try:
        result = await cancel_through_store(store, parked.id, "not needed", wait=1)
        assert result["status"] == "cancelled"
        events = await store.read_events(parked.id)
        assert events[-1].type == "harness.run.cancelled"
        assert events[-1].payload["reason"] == "not needed"
        assert (await store.list_approvals(run_id=parked.id))[0].status == "cancelled"
    finally:
        await store.close()
