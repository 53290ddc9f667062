"""Crons through the SDK: kept in the run store, fired by the surface's scheduler as normal
runs, still there (and firing) after a restart, and stopped by delete or end time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import BadRequestError, NotFoundError

pytestmark = pytest.mark.slow
EVERY_SECOND = "* * * * * *"  # six fields: seconds last


async def _runs(client, thread_id: str, at_least: int) -> list[dict]:
    for _ in range(400):
        runs = await client.runs.list(thread_id, limit=100)
        if len(runs) >= at_least:
            return runs
        await asyncio.sleep(0.05)
    raise AssertionError(f"thread {thread_id} never had {at_least} runs")


async def test_a_thread_cron_fires_and_survives_a_restart(serve_with) -> None:
    with serve_with() as server:
        client = get_client(url=server.urls["langgraph"])
        tid = (await client.threads.create())["thread_id"]
        cron = await client.crons.create_for_thread(
            tid, "one", schedule=EVERY_SECOND,
            input={"messages": [{"role": "user", "content": "tick"}]},
            metadata={"job": "ticker"})
        assert cron["thread_id"] == tid
        assert cron["enabled"] is True
        assert cron["next_run_date"] is not None
        runs = await _runs(client, tid, 1)
        assert runs[0]["metadata"]["cron_id"] == cron["cron_id"]
        found = await client.crons.search(thread_id=tid)
        assert [c["cron_id"] for c in found] == [cron["cron_id"]]
        assert await client.crons.count(assistant_id="one") == 1
    with serve_with() as again:  # a new process on the same store
        client = get_client(url=again.urls["langgraph"])
        before = len(await client.runs.list(tid, limit=100))
        await _runs(client, tid, before + 1)
        await client.crons.delete(cron["cron_id"])
        with pytest.raises(NotFoundError):
            await client.crons.delete(cron["cron_id"])
        settled = len(await client.runs.list(tid, limit=100))
        await asyncio.sleep(2.5)
        assert len(await client.runs.list(tid, limit=100)) <= settled + 1  # one in flight


async def test_a_stateless_cron_with_an_end_time_stops(url: str) -> None:
    client = get_client(url=url)
    end = datetime.now(UTC) + timedelta(seconds=2)
    cron = await client.crons.create("pyecho", schedule=EVERY_SECOND, input="tick",
                                     end_time=end, on_run_completed="keep")
    assert cron["thread_id"] is None
    for _ in range(200):
        if not (await client.crons.search(assistant_id="pyecho"))[0]["enabled"]:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the cron did not stop at its end time")
    threads = await client.threads.search(limit=100)
    assert threads  # its runs' threads were kept
    updated = await client.crons.update(cron["cron_id"], schedule="*/5 * * * *",
                                        enabled=False)
    assert updated["schedule"] == "*/5 * * * *"
    assert updated["enabled"] is False


async def test_bad_schedules_are_refused(url: str) -> None:
    client = get_client(url=url)
    with pytest.raises(BadRequestError):
        await client.crons.create("one", schedule="every tuesday")
    with pytest.raises(BadRequestError):
        await client.crons.create("one", schedule="* * * * *", timezone="Mars/Olympus")
    with pytest.raises(NotFoundError):
        await client.crons.create("no-such-graph", schedule="* * * * *")
    assert await client.crons.count() == 0
