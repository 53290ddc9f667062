"""Memory policies on the python backend: namespaces from the request, recall before the run,
governed writes (denied, approved, edited), secrets never stored, limits, TTL, events; and
the operator's `stable-harness memory` commands (export → import round trip)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from stable_harness.runs.states import RunStatus
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

AGENTS = """
async def writer(ctx):
    plan = ctx.input if isinstance(ctx.input, dict) else {"put": [["note", {"text": ctx.input}]]}
    out = []
    for key, value in plan.get("put", []):
        try:
            await ctx.memory.put(None, key, value)
            out.append(f"stored {key}")
        except Exception as exc:
            out.append(f"refused {key}: {exc}")
    for ns, key, value in plan.get("put_at", []):
        try:
            await ctx.memory.put(tuple(ns), key, value)
            out.append(f"stored {key}")
        except Exception as exc:
            out.append(f"refused {key}: {exc}")
    return out

async def consolidator(ctx):
    items = ctx.input["items"]
    texts = sorted(i["value"]["text"] for i in items)
    await ctx.memory.put(None, "summary", {"text": "; ".join(texts)})
    for i in items:
        await ctx.memory.delete(None, i["key"])
    return f"merged {len(items)}"

async def reader(ctx):
    recalled = [[*i.namespace, i.key, i.value] for i in ctx.recalled]
    found = [i.key for i in await ctx.memory.search(None, limit=50)]
    return {"recalled": recalled, "found": found}
"""


def memory_workspace(root: Path, **policy: object) -> Path:
    spec = {"store": {"use": "sqlite", "config": {"path": "memory.db"}},
            "namespace": "users/{user}", "consolidate": "consolidator", **policy}
    docs = [
        {"kind": "Runtime", "metadata": {"name": "mem"},
         "spec": {"eventSinks": [], "secrets": ["MEM_TEST_SECRET"]}},
        {"kind": "Memory", "metadata": {"name": "long-term"}, "spec": spec},
        {"kind": "Agent", "metadata": {"name": "writer"},
         "spec": {"backend": "python", "entrypoint": "agents:writer", "memory": "long-term"}},
        {"kind": "Agent", "metadata": {"name": "reader"},
         "spec": {"backend": "python", "entrypoint": "agents:reader", "memory": "long-term"}},
        {"kind": "Agent", "metadata": {"name": "consolidator"},
         "spec": {"backend": "python", "entrypoint": "agents:consolidator",
                  "memory": "long-term"}},
    ]
    text = "\n---\n".join(json.dumps({"apiVersion": "stable-harness.dev/v1", **d})
                          for d in docs)
    return write_files(root, {"ws.yaml": text + "\n", "agents.py": AGENTS})


async def events_of(rt: Runtime, run_id: str) -> list[dict[str, object]]:
    return [e.to_dict() async for e in rt.events(run_id, until="settled")]


async def test_namespaces_come_from_the_request_and_recall_reaches_the_run(
        tmp_path: Path) -> None:
    ws = memory_workspace(tmp_path / "ws", recall={"limit": 2})
    async with await Runtime.open(ws) as rt:
        for text in ("tea", "jazz", "cats"):
            run = await rt.run(text, agent="writer", memory={"user": "u-1"})
            assert run.output == ["stored note"], run.error
            await rt.run({"put": [[f"k-{text}", {"text": text}]]}, agent="writer",
                         memory={"user": "u-1"})
        await rt.run({"put": [["other", {"text": "not yours"}]]}, agent="writer",
                     memory={"user": "u-2"})
        run = await rt.run("what do I like?", agent="reader", memory={"user": "u-1"})
        assert run.status is RunStatus.COMPLETED, run.error
        assert [r[2] for r in run.output["recalled"]] == ["k-cats", "note"]
        assert "other" not in run.output["found"]
        events = await events_of(rt, run.id)
        [recalled] = [e["payload"] for e in events if e["type"] == "harness.memory.recalled"]
        assert recalled["namespaces"] == [["users", "u-1"]]
        assert recalled["count"] == 2
        searched = [e for e in events if e["type"] == "harness.memory.searched"]
        assert searched
        assert searched[0]["payload"]["namespace"] == ["users", "u-1"]

        missing = await rt.run("x", agent="reader")  # no `user` in the request's scope
        assert missing.status is RunStatus.FAILED
        assert "needs user, which the request does not give" in missing.error["message"]


async def test_writes_are_governed_denied_approved_and_edited(tmp_path: Path) -> None:
    ws = memory_workspace(tmp_path / "ws", writes=[
        {"namespace": "users/{user}/private", "action": "deny"},
        {"namespace": "users/{user}", "action": "approval"}])
    async with await Runtime.open(ws) as rt:
        denied = await rt.run({"put_at": [[["users", "u-1", "private"], "pin", {"v": 1}]]},
                              agent="writer", memory={"user": "u-1"})
        assert denied.status is RunStatus.COMPLETED
        assert "denied" in denied.output[0]
        parked = await rt.run({"put": [["drink", {"text": "tea"}]]}, agent="writer",
                              memory={"user": "u-1"})
        assert parked.status is RunStatus.WAITING_APPROVAL
        [approval] = await rt.list_approvals(run_id=parked.id, status="pending")
        assert approval.reason == "memory_write"
        assert approval.action["value"] == {"text": "tea"}  # the reviewer sees the item
        store = await rt.memories.store("long-term")
        assert await store.get(("users", "u-1"), "drink") is None  # nothing before a decision
        await rt.resolve_approval(approval.id, "edit", arguments={"value": {"text": "green tea"}})
        done = await rt.wait(parked.id, timeout=20)
        assert done.output == ["stored drink"]
        item = await store.get(("users", "u-1"), "drink")
        assert item is not None
        assert item.value == {"text": "green tea"}
        assert await store.get(("users", "u-1", "private"), "pin") is None


async def test_secrets_are_redacted_before_a_write(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEM_TEST_SECRET", "hunter2-very-secret")
    ws = memory_workspace(tmp_path / "ws")
    async with await Runtime.open(ws) as rt:
        run = await rt.run({"put": [["creds", {"text": "the key is hunter2-very-secret"}]]},
                           agent="writer", memory={"user": "u-1"})
        assert run.status is RunStatus.COMPLETED
        item = await (await rt.memories.store("long-term")).get(("users", "u-1"), "creds")
        assert item is not None
        assert item.value == {"text": "the key is [secret:MEM_TEST_SECRET]"}
    raw = (ws / "memory.db").read_bytes()
    assert b"hunter2-very-secret" not in raw


async def test_limits_and_ttl(tmp_path: Path) -> None:
    ws = memory_workspace(tmp_path / "ws", ttlSeconds=0.2,
                          limits={"maxItems": 2, "maxValueBytes": 40})
    async with await Runtime.open(ws) as rt:
        run = await rt.run({"put": [["a", {"v": 1}], ["b", {"v": 2}], ["c", {"v": 3}],
                                    ["a", {"v": 4}], ["big", {"v": "x" * 100}]]},
                           agent="writer", memory={"user": "u-1"})
        assert run.output[:4] == ["stored a", "stored b",
                                  run.output[2], "stored a"]  # a replaces, c is over the count
        assert "already holds 2 items" in run.output[2]
        assert "over the limit of 40" in run.output[4]
        store = await rt.memories.store("long-term")
        item = await store.get(("users", "u-1"), "a")
        assert item is not None
        assert item.expires_at is not None
        import asyncio

        await asyncio.sleep(0.3)
        assert await store.get(("users", "u-1"), "a") is None
        found = await rt.run("x", agent="reader", memory={"user": "u-1"})
        assert found.output["found"] == []


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stable_harness", "-w", str(ws), *args],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_cli_put_search_export_import_round_trip(tmp_path: Path) -> None:
    first = memory_workspace(tmp_path / "one")
    for key, value in (("a", {"kind": "fruit", "n": 1}), ("b", {"kind": "veg", "n": 5}),
                       ("c", {"kind": "fruit", "n": 9})):
        done = cli(first, "memory", "put", "users/u-1", key, json.dumps(value), "--json")
        assert done.returncode == 0, done.stderr
    found = cli(first, "memory", "search", "-n", "users", "--filter",
                '{"kind": "fruit", "n": {"$gt": 2}}', "--json")
    assert [i["key"] for i in json.loads(found.stdout)] == ["c"]
    bad = cli(first, "memory", "search", "--filter", '{"n": {"$like": 1}}', "--json")
    assert bad.returncode == 1
    assert "$like" in json.loads(bad.stdout)["error"]
    exported = tmp_path / "memory.jsonl"
    assert cli(first, "memory", "export", "-o", str(exported)).returncode == 0
    second = memory_workspace(tmp_path / "two")
    imported = cli(second, "memory", "import", str(exported), "--json")
    assert json.loads(imported.stdout) == {"imported": 3}
    again = [json.loads(cli(ws, "memory", "search", "--json").stdout) for ws in (first, second)]
    assert again[0] == again[1]
    assert [i["key"] for i in again[0]] == ["c", "b", "a"]
    listed = json.loads(cli(second, "memory", "list", "--json").stdout)
    assert listed == ["users/u-1"]
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"namespace": "x", "key": "k"}\n', encoding="utf-8")
    refused = cli(second, "memory", "import", str(broken))
    assert refused.returncode == 1
    assert "broken.jsonl:1" in refused.stderr


async def test_compact_keeps_the_newest_of_identical_items(tmp_path: Path) -> None:
    from stable_harness.runtime.maintenance import run_job

    ws = memory_workspace(tmp_path / "ws")
    async with await Runtime.open(ws) as rt:
        store = await rt.memories.store("long-term")
        import asyncio

        for key, value in (("a", {"t": "tea"}), ("b", {"t": "tea"}), ("c", {"t": "jazz"}),
                           ("d", {"t": "tea"})):
            await store.put(("users", "u-1"), key, value)
            await asyncio.sleep(0.002)
        await store.put(("users", "u-1", "deeper"), "e", {"t": "tea"})  # another namespace
        report = await run_job(rt.memories, "long-term", "compact")
        assert report.removed == 2
        left = sorted((i.namespace, i.key) for i in await store.search(("users",), limit=50))
        assert left == [(("users", "u-1"), "c"), (("users", "u-1"), "d"),
                        (("users", "u-1", "deeper"), "e")]
        assert (await run_job(rt.memories, "long-term", "compact")).removed == 0


async def test_an_online_backup_while_runs_write(tmp_path: Path) -> None:
    import asyncio
    import sqlite3

    ws = memory_workspace(tmp_path / "ws")
    async with await Runtime.open(ws) as rt:
        store = await rt.memories.store("long-term")
        for n in range(20):  # committed before the backup starts: it must hold them
            await store.put(("users", "before"), f"b{n}", {"v": n})
        writers = [asyncio.create_task(rt.run({"put": [[f"k{i}-{j}", {"v": j}]
                                                       for j in range(20)]},
                                              agent="writer", memory={"user": f"u{i}"}))
                   for i in range(5)]
        await asyncio.sleep(0.01)
        await store.backup(tmp_path / "backup.db")  # type: ignore[attr-defined]
        runs = await asyncio.gather(*writers)
        assert {r.status for r in runs} == {RunStatus.COMPLETED}
    copy = sqlite3.connect(tmp_path / "backup.db")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = copy.execute("SELECT count(*) FROM memories").fetchone()[0]
    finally:
        copy.close()
    assert 20 <= count <= 120


@pytest.mark.slow
def test_sigkill_during_an_import_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    import os
    import signal
    import time

    ws = memory_workspace(tmp_path / "ws")
    assert cli(ws, "memory", "put", "users/u-1", "before", '{"v": 0}').returncode == 0
    big = tmp_path / "big.jsonl"
    row = {"namespace": "users/u-2", "value": {"text": "x" * 2000}, "createdAt": 1.0,
           "updatedAt": 1.0}
    big.write_text("".join(json.dumps({**row, "key": f"k{i}"}) + "\n"
                           for i in range(60_000)), encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-m", "stable_harness", "-w", str(ws),
                              "memory", "import", str(big)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db = ws / "memory.db-wal"
    deadline = time.time() + 60
    while time.time() < deadline and (not db.exists() or db.stat().st_size < 5_000_000):
        time.sleep(0.01)  # the import's transaction is being written
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    found = json.loads(cli(ws, "memory", "search", "-n", "users", "--limit", "10",
                           "--json").stdout)
    assert [i["key"] for i in found] == ["before"]  # all of the import or none of it


def semantic_workspace(root: Path) -> Path:
    ws = memory_workspace(root, index={"embeddings": "words", "fields": ["text"]},
                          recall={"limit": 2})
    (ws / "embeddings.yaml").write_text(
        "apiVersion: stable-harness.dev/v1\nkind: Embeddings\nmetadata: {name: words}\n"
        "spec: {provider: hash, dims: 256}\n", encoding="utf-8")
    return ws


NOTES = [("n1", "likes green tea in the morning"), ("n2", "plays jazz piano"),
         ("n3", "drinks black tea with milk"), ("n4", "has a cat called Tea Cup"),
         ("n5", "runs marathons")]


async def test_semantic_search_ranks_by_similarity_with_filters(tmp_path: Path) -> None:
    ws = semantic_workspace(tmp_path / "ws")
    async with await Runtime.open(ws) as rt:
        for key, text in NOTES:
            topic = "drink" if "tea" in text.lower() else "x"
            await rt.memories.put("long-term", ("users", "u-1"), key,
                                  {"text": text, "topic": topic})
        await rt.memories.put("long-term", ("users", "u-2"), "other", {"text": "green tea"})
        store = await rt.memories.store("long-term")
        embedder = rt.memories.embedder("long-term")
        assert embedder is not None
        query = await embedder.aembed_query("green tea")
        found = await store.search(("users", "u-1"), vector=query, limit=3)  # type: ignore[call-arg]
        assert found[0].key == "n1"
        scores = [i.score for i in found]
        assert scores == sorted(scores, reverse=True)
        assert all(s is not None and -1 <= s <= 1 for s in scores)
        filtered = await store.search(("users", "u-1"), vector=query,  # type: ignore[call-arg]
                                      filter={"topic": "x"}, limit=5)
        assert {i.key for i in filtered} == {"n2", "n5"}
        run = await rt.run("what tea do I drink in the morning?", agent="reader",
                           memory={"user": "u-1"})
        assert run.output["recalled"][0][2] == "n1"  # recall ranks by similarity too


@pytest.mark.slow
def test_export_import_keeps_semantic_search(tmp_path: Path) -> None:
    first = semantic_workspace(tmp_path / "one")
    for key, text in NOTES:
        assert cli(first, "memory", "put", "users/u-1", key,
                   json.dumps({"text": text})).returncode == 0
    exported = tmp_path / "memory.jsonl"
    assert cli(first, "memory", "export", "-o", str(exported)).returncode == 0
    second = semantic_workspace(tmp_path / "two")
    assert cli(second, "memory", "import", str(exported)).returncode == 0

    async def ranked(ws: Path) -> list[tuple[str, float]]:
        async with await Runtime.open(ws) as rt:
            store = await rt.memories.store("long-term")
            embedder = rt.memories.embedder("long-term")
            assert embedder is not None
            query = await embedder.aembed_query("tea with milk")
            found = await store.search(("users",), vector=query, limit=5)  # type: ignore[call-arg]
            return [(i.key, round(i.score or 0, 6)) for i in found]

    import asyncio

    before, after = asyncio.run(ranked(first)), asyncio.run(ranked(second))
    assert before == after
    assert before[0][0] == "n3"



@pytest.mark.slow
def test_consolidation_is_a_run_of_its_own(tmp_path: Path) -> None:
    ws = memory_workspace(tmp_path / "ws")
    for key, text in (("a", "tea"), ("b", "jazz")):
        assert cli(ws, "memory", "put", "users/u-1", key,
                   json.dumps({"text": text})).returncode == 0
    done = cli(ws, "memory", "consolidate", "--scope", "user=u-1", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert (result["status"], result["items"], result["output"]) == \
        ("completed", 2, "merged 2")
    left = json.loads(cli(ws, "memory", "search", "--json").stdout)
    assert [(i["key"], i["value"]) for i in left] == [("summary", {"text": "jazz; tea"})]
    trace = json.loads(cli(ws, "inspect", "run", result["runId"], "--json").stdout)
    types = [e["type"] for e in trace["events"]]
    assert types.count("harness.memory.deleted") == 2  # observable like any run
    missing = cli(ws, "memory", "consolidate", "--json")  # the template needs `user`
    assert missing.returncode == 1
    assert "needs user" in json.loads(missing.stdout)["error"]


async def test_the_item_limit_counts_the_namespace_not_those_below_it(tmp_path: Path) -> None:
    """Newer items in deeper namespaces must not hide the ones the limit counts (the count
    once looked only at the newest maxItems + 1 items at or below the namespace)."""
    ws = memory_workspace(tmp_path / "ws", limits={"maxItems": 2})
    async with await Runtime.open(ws) as rt:
        run = await rt.run({"put": [["a", {"v": 1}]],
                            "put_at": [[["users", "u-1", sub], "x", {"v": 0}]
                                       for sub in ("p", "q", "r")]},
                           agent="writer", memory={"user": "u-1"})
        assert run.output == ["stored a", "stored x", "stored x", "stored x"]
        more = await rt.run({"put": [["b", {"v": 2}], ["c", {"v": 3}]]}, agent="writer",
                            memory={"user": "u-1"})
        assert more.output[0] == "stored b"
        assert "already holds 2 items" in more.output[1]
