"""The ``deepagents`` backend: passthrough of subagents, skills, memory files, planning."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from stable_harness.runs.events import EventType
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

FILES = {
    "runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: da}
        spec: {defaultAgent: lead, runs: {retry: {maxAttempts: 1}}}
        """,
    "models.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {name: lead-script}
        spec:
          provider: scripted
          config:
            turns:
              - toolCalls:
                  - name: write_todos
                    args: {todos: [{content: "ask the researcher", status: in_progress}]}
              - toolCalls:
                  - name: task
                    args: {subagent_type: researcher, description: "find {{ input }}"}
              - toolCalls: [{name: read_file, args: {file_path: /skills/greet/greet/SKILL.md}}]
              - toolCalls: [{name: write_file, args: {file_path: /notes.md, content: hi}}]
              - text: "lead heard: {{ last_tool_result }}"
        ---
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {name: researcher-script}
        spec:
          provider: scripted
          config:
            turns:
              - toolCalls: [{name: echo_tool, args: {value: "{{ input }}"}}]
              - text: "found {{ last_tool_result }}"
        """,
    "tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec: {entrypoint: "da_tools:echo_tool", tags: [read-only]}
        """,
    "agents.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: lead}
        spec:
          backend: deepagents
          model: lead-script
          subagents: [researcher]
          skills: [greet]
          options:
            middleware: ["langchain.agents.middleware:TodoListMiddleware"]
            memoryFiles: [AGENTS.md]
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: researcher, description: Finds things with echo_tool}
        spec: {backend: deepagents, model: researcher-script, tools: [echo_tool]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Skill
        metadata: {name: greet}
        spec: {path: skills/greet}
        """,
    "da_tools.py": """
        def echo_tool(value: str) -> str:
            return value
        """,
    "skills/greet/SKILL.md": """
        ---
        name: greet
        description: How to greet people
        ---
        Say hello politely.
        """,
    "AGENTS.md": "The user likes tea.\n",
}


@pytest.fixture
async def rt(tmp_path: Path) -> AsyncIterator[Runtime]:
    runtime = await Runtime.open(write_files(tmp_path / "ws", FILES))
    yield runtime
    await runtime.close()


async def test_plan_delegation_skills_and_files_are_projected(rt) -> None:
    run = await rt.run("tea", timeout=60)
    assert run.status == "completed", run.error
    events = await rt.store.read_events(run.id)
    types = [e.type for e in events]
    [plan] = [e for e in events if e.type == EventType.PLAN_UPDATED]
    assert plan.payload["items"] == [{"content": "ask the researcher", "status": "in_progress"}]
    [started] = [e for e in events if e.type == EventType.DELEGATION_STARTED]
    [finished] = [e for e in events if e.type == EventType.DELEGATION_COMPLETED]
    assert (started.payload["agent"], started.payload["task"]) == ("researcher", "find tea")
    assert finished.payload["output"] == "found find tea"
    # the subagent's workspace tool went through the runtime, inside the delegation
    echo = [e for e in events if e.type == EventType.TOOL_STARTED
            and e.payload["tool"] == "echo_tool"]
    assert len(echo) == 1
    assert started.seq < echo[0].seq < finished.seq
    ledger = await rt.store.ledger(run.id)
    assert [e.tool for e in ledger.values()] == ["echo_tool"]
    # the skill folder was routed from the workspace (upstream FilesystemBackend)
    reads = [e for e in events if e.type == EventType.TOOL_COMPLETED
             and e.payload["tool"] == "read_file"]
    assert "Say hello politely." in reads[0].payload["result"]
    [changed] = [e for e in events if e.type == EventType.FILE_CHANGED]
    assert (changed.payload["path"], changed.payload["operation"]) == ("/notes.md", "write")
    assert types[-1] == EventType.RUN_COMPLETED
    assert run.output.startswith("lead heard:")


async def test_memory_files_and_skills_reach_the_system_prompt(rt, monkeypatch) -> None:
    from stable_harness.builtin import scripted_model

    seen: list[str] = []
    original = scripted_model.ScriptedChatModel.answer

    def spy(self, messages):
        seen.append(str(messages[0].content))
        return original(self, messages)

    monkeypatch.setattr(scripted_model.ScriptedChatModel, "answer", spy)
    await rt.run("tea", timeout=60)
    assert "The user likes tea." in seen[0]
    assert "How to greet people" in seen[0]


async def test_inspect_draws_the_deep_agent(rt) -> None:
    info = rt.describe_agent("lead", graph=True)
    assert info["subagents"] == ["researcher"]
    assert "model" in info["mermaid"]
