"""The examples in docs/backends.md and docs/models.md validate and run; the compatibility
matrix matches what the installed plugins declare."""

from __future__ import annotations

import re
from pathlib import Path

from stable_harness.plugins.matrix import compatibility_markdown
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files
from stable_harness.workspace import load_workspace

from .test_docs import ROOT

SUPPORT = {
    "runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: docs}
        spec: {defaultAgent: pipeline}
        """,
    "support.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec: {entrypoint: "docs_tools:echo_tool", tags: [read-only]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: researcher, description: Finds things}
        spec: {backend: deepagents, model: default, tools: [echo_tool]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Skill
        metadata: {name: greet}
        spec: {path: skills/greet}
        """,
    "docs_tools.py": "def echo_tool(value: str) -> str:\n    return value\n",
    "skills/greet/SKILL.md": "---\nname: greet\ndescription: Greeting\n---\nSay hello.\n",
    "AGENTS.md": "Notes.\n",
}


def examples(doc: str) -> dict[str, str]:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- example: ([\w-]+) -->\n```yaml\n(.*?)```", text, re.S))


def docs_workspace(root: Path) -> Path:
    blocks = {**examples("backends.md"), **examples("models.md")}
    assert set(blocks) == {"langgraph", "overlay", "deepagents", "scripted", "providers"}
    return write_files(root, {**SUPPORT, **{f"{n}.yaml": b for n, b in blocks.items()}})


def test_doc_examples_validate(tmp_path: Path) -> None:
    ws = load_workspace(docs_workspace(tmp_path / "ws"), environ={})
    assert set(ws.agents) == {"assistant", "pipeline", "lead", "researcher"}


async def test_doc_examples_run(tmp_path: Path) -> None:
    runtime = await Runtime.open(docs_workspace(tmp_path / "ws"))
    try:
        overlay = await runtime.run("hi", agent="pipeline", timeout=60)
        assert overlay.status == "completed", overlay.error
        assert overlay.output == "echo_tool said: hi (turn 2)"
        gated = await runtime.run("hi", agent="assistant", timeout=60)
        assert gated.status == "waiting_approval"
    finally:
        await runtime.close()


def test_compatibility_matrix_is_current() -> None:
    text = (ROOT / "docs/compatibility-matrix.md").read_text(encoding="utf-8")
    assert text == compatibility_markdown(), \
        "regenerate: python -m stable_harness.plugins.matrix docs/compatibility-matrix.md"


def test_gateway_policies_example_validates(tmp_path: Path) -> None:
    [block] = examples("gateway.md").values()
    root = tmp_path / "ws"
    root.mkdir()
    (root / "runtime.yaml").write_text(block, encoding="utf-8")
    (root / "tools.yaml").write_text(
        "apiVersion: stable-harness.dev/v1\nkind: Tool\nmetadata: {name: run_command}\n"
        "spec: {entrypoint: 'os:getcwd'}\n", encoding="utf-8")
    ws = load_workspace(root, environ={})
    assert [p.use for p in ws.runtime.policies] == [
        "fs-roots", "approval", "tool-allowlist", "network", "command-allowlist"]
