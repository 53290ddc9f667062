from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

WORKSPACE = {
    "runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: lg}
        spec: {defaultAgent: lg, runs: {retry: {maxAttempts: 1}}}
        """,
    "models.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {name: two-tools}
        spec:
          provider: scripted
          config:
            turns:
              - text: "Looking. "
                toolCalls: [{name: echo_tool, args: {value: "{{ input }}"}}]
              - toolCalls: [{name: effect_tool, args: {line: "{{ last_tool_result }}"}}]
              - text: "done: {{ last_tool_result }}"
        """,
    "tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec: {entrypoint: "lg_tools:echo_tool", tags: [read-only]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: effect_tool}
        spec: {entrypoint: "lg_tools:effect_tool", tags: [mutating]}
        """,
    "agents.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: lg}
        spec: {backend: langgraph, model: two-tools, tools: [echo_tool, effect_tool]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: gated}
        spec:
          backend: langgraph
          model: two-tools
          tools: [echo_tool, effect_tool]
          options: {interruptOn: {effect_tool: true}}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: custom}
        spec: {backend: langgraph, graph: "lg_graphs:review_graph"}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: overlay}
        spec:
          backend: langgraph
          tools: [echo_tool]
          edges:
            - {from: START, to: models.two-tools}
            - {from: models.two-tools, to: tools.echo_tool}
            - {from: models.two-tools, to: END}
            - {from: tools.echo_tool, to: END}
        """,
    "lg_tools.py": """
        import os


        def echo_tool(value: str) -> str:
            return value


        def effect_tool(line: str) -> str:
            with open(os.environ["LG_EFFECTS"], "a") as f:
                f.write(line + "\\n")
                f.flush()
                os.fsync(f.fileno())
            return "wrote " + line
        """,
    "lg_graphs.py": """
        from typing import TypedDict

        from langgraph.graph import END, START, StateGraph
        from langgraph.types import interrupt


        class State(TypedDict, total=False):
            draft: str
            verdict: dict


        def write(state):
            return {"draft": "draft of " + state["draft"]}


        def review(state):
            return {"verdict": interrupt({"question": "publish?", "draft": state["draft"]})}


        builder = StateGraph(State)
        builder.add_node("write", write)
        builder.add_node("review", review)
        builder.add_edge(START, "write")
        builder.add_edge("write", "review")
        builder.add_edge("review", END)
        review_graph = builder
        """,
}


def write_workspace(root: Path, files: dict[str, str] | None = None) -> Path:
    return write_files(root, {**WORKSPACE, **(files or {})})


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LG_EFFECTS", str(tmp_path / "effects.log"))
    return write_workspace(tmp_path / "ws")


@pytest.fixture
async def rt(ws: Path) -> AsyncIterator[Runtime]:
    runtime = await Runtime.open(ws)
    yield runtime
    await runtime.close()


def effects(ws: Path) -> list[str]:
    path = ws.parent / "effects.log"
    return path.read_text().splitlines() if path.exists() else []
