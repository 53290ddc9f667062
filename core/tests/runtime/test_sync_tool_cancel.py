"""Cancel and timeout reach synchronous tools: the run settles at once, the ledger says the
call was abandoned, the tool's cancellation token is set, and the process is not held."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stable_harness.runs.models import LedgerStatus
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

WS = {
    "ws.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: synccancel}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: stubborn}
        spec: {entrypoint: "sync_mod:stubborn"}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: polite}
        spec: {entrypoint: "sync_mod:polite"}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: slow_polite}
        spec: {entrypoint: "sync_mod:polite", timeoutSeconds: 0.3}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: a}
        spec: {backend: python, entrypoint: "sync_mod:agent",
               tools: [stubborn, polite, slow_polite]}
        """,
    "sync_mod.py": """
        import os
        import time
        from pathlib import Path

        from stable_harness.tools.cancellation import cancelled


        def stubborn(seconds: float) -> str:
            Path(os.environ["SYNC_EFFECTS"] + ".started").touch()
            time.sleep(seconds)  # never looks at its token
            Path(os.environ["SYNC_EFFECTS"]).write_text("stubborn ran to its end")
            return "done"


        def polite(seconds: float) -> str:
            Path(os.environ["SYNC_EFFECTS"] + ".started").touch()
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                if cancelled():
                    Path(os.environ["SYNC_EFFECTS"]).write_text("polite stopped early")
                    return "stopped"
                time.sleep(0.01)
            Path(os.environ["SYNC_EFFECTS"]).write_text("polite ran to its end")
            return "done"


        async def agent(ctx):
            return await ctx.call_tool(ctx.input["tool"], {"seconds": ctx.input["seconds"]})
        """,
}


@pytest.fixture
def ws(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SYNC_EFFECTS", str(tmp_path / "effects.txt"))
    return write_files(tmp_path / "ws", WS)


async def running_tool(rt: Runtime, tool: str, seconds: float) -> str:
    # the tool itself says it runs: `tool.started` is visible before the call begins, and a
    # cancel then stops the call before it starts
    run = await rt.start({"tool": tool, "seconds": seconds})
    deadline = time.monotonic() + 10
    started = Path(os.environ["SYNC_EFFECTS"] + ".started")
    while not started.exists():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    return run.id


async def test_cancel_settles_at_once_and_the_call_is_abandoned(ws: Path, tmp_path: Path
                                                               ) -> None:
    # was: the run waited for the sync tool, whose ledger entry stayed `started` for ever
    async with await Runtime.open(ws) as rt:
        run_id = await running_tool(rt, "stubborn", 30)
        cancelled = await rt.cancel(run_id, reason="test")
        assert cancelled["status"] == "cancelled"
        # settled while the tool still runs: it writes its effect only after 30 s
        assert not (tmp_path / "effects.txt").exists()
        [entry] = (await rt.store.ledger(run_id)).values()
    assert entry.status is LedgerStatus.ABANDONED
    assert entry.error["code"] == "abandoned"


async def test_a_tool_that_checks_its_token_stops(ws: Path, tmp_path: Path) -> None:
    async with await Runtime.open(ws) as rt:
        run_id = await running_tool(rt, "polite", 30)
        await rt.cancel(run_id, reason="test")
    deadline = time.monotonic() + 10
    effects = tmp_path / "effects.txt"
    while not effects.exists():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    assert effects.read_text() == "polite stopped early"


async def test_a_timeout_sets_the_token_too(ws: Path, tmp_path: Path) -> None:
    async with await Runtime.open(ws) as rt:
        run = await rt.run({"tool": "slow_polite", "seconds": 30}, timeout=30)
        [entry] = (await rt.store.ledger(run.id)).values()
    assert entry.status is LedgerStatus.FAILED
    assert entry.error["code"] == "timeout"
    deadline = time.monotonic() + 10
    while not (tmp_path / "effects.txt").exists():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    assert (tmp_path / "effects.txt").read_text() == "polite stopped early"


@pytest.mark.slow
def test_the_cli_exits_without_waiting_for_an_abandoned_tool(ws: Path, tmp_path: Path) -> None:
    # was: the process stayed until the 30 s tool returned
    script = (
        "import asyncio, sys, time\n"
        "from stable_harness.runtime import Runtime\n"
        "async def main():\n"
        f"    async with await Runtime.open({str(ws)!r}) as rt:\n"
        "        run = await rt.start({'tool': 'stubborn', 'seconds': 30})\n"
        "        while not any(e.type == 'harness.tool.started'\n"
        "                      for e in await rt.store.read_events(run.id)):\n"
        "            await asyncio.sleep(0.01)\n"
        "        await rt.cancel(run.id)\n"
        "asyncio.run(main())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    # the tool writes its effect after 30 s: had the process waited for it, it would be there
    assert not (tmp_path / "effects.txt").exists()


async def test_a_cancel_while_the_intent_is_stored_abandons_the_call(
        ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # was: a cancel landing while the intent of a non-idempotent call was being made durable
    # (its `tool.started` already visible) left the ledger entry `started` for ever
    from stable_harness.runtime.writer import EventWriter

    original, stored = EventWriter.sync, asyncio.Event()

    async def sync_then_linger(self: EventWriter) -> None:
        intent = any(e.status is LedgerStatus.STARTED for e in self.pending.ledger)
        await original(self)
        if intent:
            stored.set()
            await asyncio.sleep(30)

    monkeypatch.setattr(EventWriter, "sync", sync_then_linger)
    async with await Runtime.open(ws) as rt:
        run = await rt.start({"tool": "stubborn", "seconds": 30})
        await asyncio.wait_for(stored.wait(), 10)
        assert (await rt.cancel(run.id))["status"] == "cancelled"
        [entry] = (await rt.store.ledger(run.id)).values()
    assert entry.status is LedgerStatus.ABANDONED
    assert not (tmp_path / "effects.txt.started").exists()  # the tool never began
