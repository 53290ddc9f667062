"""The example in docs/memory.md validates and behaves as the page says: recall before the
run, a private write denied, a write parked for approval, and nothing of another user."""

from __future__ import annotations

from pathlib import Path

from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

from .test_backend_docs import examples

CONCIERGE = '''
async def run(ctx):
    if ctx.input == "private":
        try:
            await ctx.memory.put(("users", ctx.run.memory["user"], "private"), "pin",
                                 {"v": 1})
        except Exception as exc:
            return f"refused: {exc}"
    if ctx.input == "remember":
        await ctx.memory.put(None, "drink", {"text": "tea"})
        return "stored"
    return [i.key for i in ctx.recalled]
'''


async def test_the_memory_example(tmp_path: Path) -> None:
    block = examples("memory.md")["memory"]
    runtime = ("apiVersion: stable-harness.dev/v1\nkind: Runtime\nmetadata: {name: docs}\n"
               "spec: {eventSinks: []}\n")
    ws = write_files(tmp_path / "ws", {"runtime.yaml": runtime, "memory.yaml": block,
                                       "concierge.py": CONCIERGE})
    async with await Runtime.open(ws) as rt:
        refused = await rt.run("private", agent="concierge", memory={"user": "u-42"})
        assert "denied" in refused.output
        parked = await rt.run("remember", agent="concierge", memory={"user": "u-42"})
        assert parked.status == "waiting_approval"
        [approval] = await rt.list_approvals(run_id=parked.id, status="pending")
        assert approval.reason == "memory_write"
        await rt.resolve_approval(approval.id, "approve")
        assert (await rt.wait(parked.id, timeout=20)).output == "stored"
        recalled = await rt.run("hello", agent="concierge", memory={"user": "u-42"})
        assert recalled.output == ["drink"]
        stranger = await rt.run("hello", agent="concierge", memory={"user": "u-7"})
        assert stranger.output == []


def test_the_maintenance_example_validates(tmp_path: Path) -> None:
    from stable_harness.workspace import load_workspace

    block = examples("memory.md")["maintenance"]
    ws = load_workspace(write_files(tmp_path / "ws", {"runtime.yaml": block}), environ={})
    assert ws.runtime.maintenance.memory.compact_every_seconds == 86400
