"""The runtime's memory as the LangGraph store: the same answers as LangGraph's
``InMemoryStore`` for the same operations, recall reaching the graph's input, and a write
that needs an approval parking the graph until it is decided."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

from langgraph.store.memory import InMemoryStore
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

GRAPHS = Path(__file__).parent / "memory_graphs"


def _script(name: str = "store_script") -> object:
    spec = importlib.util.spec_from_file_location(name, GRAPHS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workspace(root: Path, graph: str, namespace: str = "users/{user}",
              **policy: object) -> Path:
    docs = [
        {"kind": "Runtime", "metadata": {"name": "mem"}, "spec": {"eventSinks": []}},
        {"kind": "Memory", "metadata": {"name": "long-term"},
         "spec": {"store": {"use": "sqlite", "config": {"path": "memory.db"}},
                  "namespace": namespace, **policy}},
        {"kind": "Agent", "metadata": {"name": "graph"},
         "spec": {"backend": "langgraph", "graph": graph, "memory": "long-term"}},
    ]
    root.mkdir(parents=True)
    for name in ("store_script.py", "recall_graph.py", "semantic_script.py"):
        shutil.copy(GRAPHS / name, root / name)
    return write_files(root, {"ws.yaml": "\n---\n".join(json.dumps(
        {"apiVersion": "stable-harness.dev/v1", **d}) for d in docs) + "\n"})


async def test_same_answers_as_langgraphs_in_memory_store(tmp_path: Path) -> None:
    expected = await _script().play(InMemoryStore())  # type: ignore[attr-defined]
    ws = workspace(tmp_path / "ws", "store_script:builder", namespace="docs")
    async with await Runtime.open(ws) as rt:
        run = await rt.run({}, agent="graph", memory={"user": "u-1"}, timeout=60)
        assert run.status == "completed", run.error
        assert run.output["results"] == expected
        events = [e async for e in rt.events(run.id)]
        written = [e.payload for e in events if e.type == "harness.memory.written"]
        assert [w["key"] for w in written] == ["k1", "k2", "k3", "k4", "k1"]
        assert all("value" not in w for w in written)  # events carry no values
        deleted = [e.payload for e in events if e.type == "harness.memory.deleted"]
        assert [(d["namespace"], d["key"]) for d in deleted] == [(["docs", "a"], "k2")]


async def test_recall_reaches_the_graph_and_its_writes_are_kept(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", "recall_graph:recall",
                   recall={"limit": 3, "prompt": True})
    async with await Runtime.open(ws) as rt:
        store = await rt.memories.store("long-term")
        await store.put(("users", "u-1"), "drink", {"text": "prefers tea"})
        await store.put(("users", "u-2"), "drink", {"text": "prefers coffee"})
        run = await rt.run("what do I drink?", agent="graph", memory={"user": "u-1"},
                           timeout=60)
        assert run.status == "completed", run.error
        assert "prefers tea" in run.output
        assert "coffee" not in run.output  # another user's namespace
        item = await store.get(("users", "u-1"), "last-question")
        assert item is not None
        assert item.value == {"text": "what do I drink?"}


async def test_a_write_needing_approval_parks_the_graph(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", "recall_graph:recall",
                   writes=[{"namespace": "users/{user}", "action": "approval"}])
    async with await Runtime.open(ws) as rt:
        parked = await rt.run("remember me", agent="graph", memory={"user": "u-1"},
                              timeout=60)
        assert parked.status == "waiting_approval"
        [approval] = await rt.list_approvals(run_id=parked.id, status="pending")
        assert approval.action["key"] == "last-question"
        store = await rt.memories.store("long-term")
        assert await store.get(("users", "u-1"), "last-question") is None
        await rt.resolve_approval(approval.id, "approve")
        done = await rt.wait(parked.id, timeout=60)
        assert done.status == "completed", done.error
        item = await store.get(("users", "u-1"), "last-question")
        assert item is not None
        assert item.value == {"text": "remember me"}


async def test_a_run_cannot_reach_another_users_namespace(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", "recall_graph:recall")
    async with await Runtime.open(ws) as rt:
        run = await rt.run("hi", agent="graph", memory={"user": "u-2"}, timeout=60)
        # the graph writes to users/u-1: out of reach for a run of user u-2
        assert run.status == "failed"
        assert "outside what this run may use (users/u-2" in run.error["message"]
        store = await rt.memories.store("long-term")
        assert await store.get(("users", "u-1"), "last-question") is None


async def test_semantic_search_answers_like_langgraphs_in_memory_index(tmp_path: Path
                                                                        ) -> None:
    from stable_harness.memory.embeddings import hash_vector

    embed = {"dims": 128, "embed": lambda texts: [hash_vector(t, 128) for t in texts],
             "fields": ["text"]}
    expected = await _script("semantic_script").play(  # type: ignore[attr-defined]
        InMemoryStore(index=embed))
    ws = workspace(tmp_path / "ws", "semantic_script:builder", namespace="notes",
                   index={"embeddings": "words", "fields": ["text"]})
    (ws / "embeddings.yaml").write_text(
        "apiVersion: stable-harness.dev/v1\nkind: Embeddings\nmetadata: {name: words}\n"
        "spec: {provider: hash, dims: 128}\n", encoding="utf-8")
    async with await Runtime.open(ws) as rt:
        run = await rt.run({}, agent="graph", timeout=60)
        assert run.status == "completed", run.error
        assert run.output["results"] == expected
        assert expected[0][0][0] == "n1"  # the answers are about the query, not just recent


LANGMEM = """
apiVersion: stable-harness.dev/v1
kind: Runtime
metadata: {name: langmem}
spec: {eventSinks: []}
---
apiVersion: stable-harness.dev/v1
kind: Memory
metadata: {name: long-term}
spec:
  store: {use: sqlite, config: {path: memory.db}}
  namespace: "users/{user}"
---
apiVersion: stable-harness.dev/v1
kind: Model
metadata: {name: rememberer}
spec:
  provider: scripted
  config:
    turns:
      - toolCalls: [{name: manage_memory, args: {content: "{{ input }}", action: create}}]
      - toolCalls: [{name: search_memory, args: {query: "tea"}}]
      - text: "found: {{ last_tool_result }}"
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: assistant}
spec:
  backend: langgraph
  model: rememberer
  memory: long-term
  options:
    upstreamTools: ["memtools:manage", "memtools:search"]
"""

# langmem's tools, in the workspace (namespaces are tuples, which YAML cannot write); the
# `{user}` label is filled from the request's memory scope, like the policy's own template
MEMTOOLS = """
from langmem import create_manage_memory_tool, create_search_memory_tool

manage = create_manage_memory_tool(namespace=("users", "{user}"))
search = create_search_memory_tool(namespace=("users", "{user}"))
"""


async def test_langmem_memory_tools_use_the_runtime_memory(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "ws", {"ws.yaml": LANGMEM, "memtools.py": MEMTOOLS})
    async with await Runtime.open(ws) as rt:
        run = await rt.run("prefers green tea", agent="assistant", memory={"user": "u-1"},
                           timeout=60)
        assert run.status == "completed", run.error
        assert "prefers green tea" in run.output  # langmem's search read it back
        store = await rt.memories.store("long-term")
        [item] = await store.search(("users", "u-1"))
        assert item.value["content"] == "prefers green tea"
        events = [e.type async for e in rt.events(run.id)]
        assert "harness.memory.written" in events
        assert "harness.memory.searched" in events
        other = await rt.run("prefers coffee", agent="assistant", memory={"user": "u-2"},
                             timeout=60)
        assert "green tea" not in other.output  # u-2's langmem namespace is its own
