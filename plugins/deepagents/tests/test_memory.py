"""With a memory policy, a DeepAgents agent's ``/memories/`` is upstream's ``StoreBackend`` on
the runtime's memory: a file written in one run is read back in a later run of the same user
(another session), stored under the run's namespace, and out of another user's reach."""

from __future__ import annotations

from pathlib import Path

from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

FILES = {
    "runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: mem}
        spec: {eventSinks: []}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Memory
        metadata: {name: long-term}
        spec:
          store: {use: sqlite, config: {path: memory.db}}
          namespace: "users/{user}"
        """,
    "agents.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {name: writer-model}
        spec:
          provider: scripted
          config:
            turns:
              - toolCalls: [{name: write_file, args: {file_path: /memories/prefs.md,
                                                      content: "likes {{ input }}"}}]
              - text: "noted"
        ---
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {name: reader-model}
        spec:
          provider: scripted
          config:
            turns:
              - toolCalls: [{name: read_file, args: {file_path: /memories/prefs.md}}]
              - text: "I recall: {{ last_tool_result }}"
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: writer}
        spec: {backend: deepagents, model: writer-model, memory: long-term}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: reader}
        spec: {backend: deepagents, model: reader-model, memory: long-term}
        """,
}


async def test_memories_files_live_in_the_runtime_memory(tmp_path: Path) -> None:
    async with await Runtime.open(write_files(tmp_path / "ws", FILES)) as rt:
        wrote = await rt.run("green tea", agent="writer", memory={"user": "u-1"}, timeout=60)
        assert wrote.status == "completed", wrote.error
        store = await rt.memories.store("long-term")
        [item] = await store.search(("users", "u-1"))
        assert item.namespace == ("users", "u-1", "files")
        assert "likes green tea" in str(item.value)
        read = await rt.run("what do I like?", agent="reader", memory={"user": "u-1"},
                            timeout=60)
        assert read.status == "completed", read.error
        assert "likes green tea" in read.output
        other = await rt.run("what do I like?", agent="reader", memory={"user": "u-2"},
                             timeout=60)
        assert "likes green tea" not in (other.output or "")
