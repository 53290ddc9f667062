"""The example in docs/memory.md validates and behaves as the page says: recall before the
run, a private write denied, a write parked for approval, and nothing of another user."""

from __future__ import annotations

from pathlib import Path

from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

from .test_backend_docs import examples
from .test_docs import ROOT

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


async def test_the_semantic_example_ranks_by_similarity(tmp_path: Path) -> None:
    block = examples("memory.md")["semantic"]
    runtime = ("apiVersion: stable-harness.dev/v1\nkind: Runtime\nmetadata: {name: docs}\n"
               "spec: {eventSinks: []}\n")
    ws = write_files(tmp_path / "ws", {"runtime.yaml": runtime, "notes.yaml": block})
    async with await Runtime.open(ws) as rt:
        for key, text in (("a", "green tea in the morning"), ("b", "jazz piano"),
                          ("c", "tea with milk")):
            await rt.memories.put("notes", ("users", "u-1"), key, {"text": text})
        store = await rt.memories.store("notes")
        embedder = rt.memories.embedder("notes")
        assert embedder is not None
        found = await store.search(("users", "u-1"), limit=2,  # type: ignore[call-arg]
                                   vector=await embedder.aembed_query("milk tea"))
        assert [i.key for i in found] == ["c", "a"]


async def test_the_langmem_example_runs(tmp_path: Path) -> None:
    import re

    text = (ROOT / "docs/memory.md").read_text(encoding="utf-8")
    agent = examples("memory.md")["langmem"]
    memory = examples("memory.md")["memory"].split("---")[0]  # the `long-term` policy
    [memtools] = re.findall(r"```python\n(from langmem.*?)```", text, re.S)
    runtime = ("apiVersion: stable-harness.dev/v1\nkind: Runtime\nmetadata: {name: docs}\n"
               "spec: {eventSinks: []}\n")
    ws = write_files(tmp_path / "ws", {"runtime.yaml": runtime, "memory.yaml": memory,
                                       "agent.yaml": agent, "memtools.py": memtools})
    async with await Runtime.open(ws) as rt:
        run = await rt.run("prefers green tea", agent="assistant", memory={"user": "u-42"},
                           timeout=60)
        assert run.status == "waiting_approval"  # the policy: users/{user} needs approval
        [approval] = await rt.list_approvals(run_id=run.id, status="pending")
        assert approval.action["value"]["content"] == "prefers green tea"
        await rt.resolve_approval(approval.id, "approve")
        done = await rt.wait(run.id, timeout=60)
        assert done.status == "completed", done.error
        assert "prefers green tea" in done.output
