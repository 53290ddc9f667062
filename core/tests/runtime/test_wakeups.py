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


async def test_signals_reach_every_listener_of_a_channel_only(tmp_path: Path) -> None:
    signals = FifoSignals(tmp_path / "signals")
    signals.signal("nobody-listens")  # no folder yet: nothing happens
    woken: list[str] = []
    stops = [signals.listen("a", lambda: woken.append("a1")),
             signals.listen("a", lambda: woken.append("a2")),
             signals.listen("b", lambda: woken.append("b"))]
    signals.signal("a")
    for _ in range(20):
        await asyncio.sleep(0.01)
        if len(woken) >= 2:
            break
    assert sorted(woken) == ["a1", "a2"]
    for stop in stops:
        stop()
    assert list((tmp_path / "signals").iterdir()) == []  # pipes (and folders) are removed


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
