"""A corpus of malformed workspaces: each must produce exactly the listed diagnostics.

Every case starts from the ``stable-harness init`` scaffold and changes one thing. An expected
diagnostic is ``(code, "file:line", yaml_path, text the message or hint must contain)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from stable_harness.errors import WorkspaceError
from stable_harness.workspace import load_workspace

from ..conftest import write_files

AGENT_HEAD = """
apiVersion: stable-harness.dev/v1
kind: Agent
metadata:
  name: orchestra
spec:
"""  # spec fields start on line 6


def agent(body: str) -> str:
    return AGENT_HEAD.lstrip("\n") + body


@dataclass
class Case:
    id: str
    files: dict[str, str | None]
    expected: list[tuple[str, str, str, str]]
    env: dict[str, str] = field(default_factory=dict)


CASES = [
    Case("yaml-syntax-unclosed-flow", {"agents.yaml": agent(
        "  backend: python\n  tools: [echo_tool\n  model: default\n")},
        [("yaml-syntax", "agents.yaml:8", "", "invalid YAML")]),
    Case("yaml-syntax-bad-indent", {"extra.yaml": "kind: Tool\n  name: x\n"},
         [("yaml-syntax", "extra.yaml:2", "", "mapping values are not allowed")]),
    Case("unknown-kind", {"extra.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Agnet
        metadata: {name: a}
        """}, [("unknown-kind", "extra.yaml:2", "kind", "did you mean 'Agent'")]),
    Case("wrong-api-version", {"extra.yaml": """
        apiVersion: stable-harness.dev/v2
        kind: Tool
        metadata: {name: t2}
        """}, [("api-version", "extra.yaml:1", "apiVersion", "expected stable-harness.dev/v1")]),
    Case("missing-api-version", {"extra.yaml": "kind: Tool\nmetadata: {name: t2}\n"},
         [("missing-field", "extra.yaml:1", "apiVersion", "stable-harness.dev/v1")]),
    Case("missing-kind", {"extra.yaml": "apiVersion: stable-harness.dev/v1\nmetadata: {}\n"},
         [("missing-field", "extra.yaml:1", "kind", "one of Runtime, Agent")]),
    Case("missing-metadata", {"extra.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        spec: {entrypoint: "tools:echo_tool"}
        """}, [("missing-field", "extra.yaml:1", "metadata", "required field is missing")]),
    Case("missing-required-field",
         {"agents.yaml": agent("  model: default\n  entrypoint: agents:orchestra\n")},
         [("missing-field", "agents.yaml:5", "spec.backend", "required field is missing")]),
    Case("wrong-type-list", {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  tools: echo_tool\n")},
        [("wrong-type", "agents.yaml:8", "spec.tools", "valid list")]),
    Case("wrong-type-port", {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          protocols:
            http: {port: not-a-port}
        """}, [("wrong-type", "runtime.yaml:6", "spec.protocols.http.port", "valid integer")]),
    Case("port-out-of-range", {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          protocols:
            http: {port: 70000}
        """}, [("invalid-value", "runtime.yaml:6", "spec.protocols.http.port", "65535")]),
    Case("unknown-field-suggestion", {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  sytemPrompt: hi\n")},
        [("unknown-field", "agents.yaml:8", "spec.sytemPrompt", "did you mean 'systemPrompt'")]),
    Case("dangling-model", {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  model: defualt\n")},
        [("unknown-reference", "agents.yaml:8", "spec.model", "did you mean 'default'")]),
    Case("dangling-tool", {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  tools:\n    - echo_tool\n"
        "    - ech_tool\n")},
        [("unknown-reference", "agents.yaml:10", "spec.tools[1]", "did you mean 'echo_tool'")]),
    Case("dangling-skill", {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  skills: [research]\n")},
        [("unsupported-capability", "agents.yaml:8", "spec.skills", "compatibility-matrix"),
         ("unknown-reference", "agents.yaml:8", "spec.skills[0]", "none are defined")]),
    Case("dangling-mcp-server", {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  mcpServers: [files]\n")},
        [("unknown-reference", "agents.yaml:8", "spec.mcpServers[0]", "unknown McpServer")]),
    Case("dangling-memory", {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  memory: long-term\n")},
        [("unknown-reference", "agents.yaml:8", "spec.memory", "unknown Memory 'long-term'")]),
    Case("duplicate-name-across-files", {"more-tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata:
          name: echo_tool
        spec: {entrypoint: "tools:echo_tool"}
        """}, [("duplicate-name", "tools.yaml:5", "metadata.name",
                "first defined at more-tools.yaml:1")]),
    Case("duplicate-mapping-key", {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  backend: python\n")},
        [("duplicate-key", "agents.yaml:8", "", "key 'backend' appears twice")]),
    Case("two-runtimes", {"runtime2.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: other}
        """}, [("multiple-runtimes", "runtime2.yaml:1", "", "at most one Runtime")]),
    Case("unknown-plugin-enabled", {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          plugins:
            enable: [no-such-plugin]
        """}, [("unknown-plugin", "runtime.yaml:6", "spec.plugins.enable[0]", "not installed")]),
    Case("unknown-backend", {"agents.yaml": agent("  backend: pyhton\n")},
         [("unknown-plugin", "agents.yaml:6", "spec.backend", "did you mean 'python'")]),
    Case("unknown-model-provider", {"models.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {name: default}
        spec:
          provider: mistral
        """}, [("unknown-plugin", "models.yaml:5", "spec.provider",
                "no first-party package provides model provider 'mistral'")]),
    Case("unknown-event-sink", {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          eventSinks:
            - use: console
            - use: otel
        """}, [("unknown-plugin", "runtime.yaml:7", "spec.eventSinks[1].use",
                "installed: console, jsonl")]),
    Case("bad-plugin-config-value", {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          store:
            use: sqlite
            config:
              synchronous: "OFF"
        """}, [("plugin-config", "runtime.yaml:8", "spec.store.config.synchronous",
                "'NORMAL' or 'FULL'")]),
    Case("bad-plugin-config-unknown-key", {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          eventSinks:
            - use: jsonl
              config: {pth: events.jsonl}
        """}, [("plugin-config", "runtime.yaml:7", "spec.eventSinks[0].config.pth",
                "did you mean 'path'")]),
    Case("bad-plugin-config-script", {"models.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Model
        metadata: {name: default}
        spec:
          provider: scripted
          config:
            turns:
              - {}
        """}, [("plugin-config", "models.yaml:8", "spec.config.turns[0]",
                "needs `text`, `toolCalls`, or both")]),
    Case("missing-env-var", {"tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec:
          entrypoint: tools:echo_tool
          description: ${env:SH_TEST_UNSET_VAR}
        """}, [("missing-env", "tools.yaml:6", "spec.description",
                "SH_TEST_UNSET_VAR is not set")]),
    Case("unknown-interpolation", {"tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec:
          entrypoint: tools:echo_tool
          description: ${vault:KEY}
        """}, [("interpolation", "tools.yaml:6", "spec.description", "unknown reference")]),
    Case("unterminated-interpolation", {"tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec:
          entrypoint: tools:echo_tool
          description: "costs ${env:PRICE"
        """}, [("interpolation", "tools.yaml:6", "spec.description", "unterminated")]),
    Case("document-not-mapping", {"extra.yaml": "- just\n- a list\n"},
         [("not-a-mapping", "extra.yaml:1", "", "not list")]),
    Case("invalid-name", {"extra.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Skill
        metadata: {name: "two words"}
        spec: {path: skills/x}
        """}, [("invalid-value", "extra.yaml:3", "metadata.name", "pattern")]),
    Case("bad-entrypoint-format", {"tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec:
          entrypoint: tools.echo_tool
        """}, [("invalid-value", "tools.yaml:5", "spec.entrypoint", "pattern")]),
    Case("backend-needs-entrypoint",
         {"agents.yaml": agent("  backend: python\n  model: default\n")},
         [("missing-field", "agents.yaml:5", "spec.entrypoint", "backend 'python' needs it")]),
    Case("backend-unsupported-field", {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  graph: pkg.graphs:main\n")},
        [("unsupported-field", "agents.yaml:8", "spec.graph", "does not support `graph`")]),
    Case("registry-needs-entrypoint", {"tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec:
          description: no code
        """}, [("missing-field", "tools.yaml:4", "spec.entrypoint", "'python' needs it")]),
    Case("tool-parameters-not-object", {"tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec:
          entrypoint: tools:echo_tool
          parameters: {type: string}
        """}, [("invalid-value", "tools.yaml:6", "spec.parameters", "type: object")]),
    Case("skill-outside-workspace", {"skills.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Skill
        metadata: {name: research}
        spec:
          path: ../elsewhere
        """}, [("invalid-path", "skills.yaml:5", "spec.path", "resolves outside the workspace")]),
    Case("skill-without-skill-md", {"skills.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Skill
        metadata: {name: research}
        spec:
          path: skills/research
        """, "skills/research/notes.txt": "x"},
        [("invalid-path", "skills.yaml:5", "spec.path", "has no SKILL.md")]),
    Case("mcp-stdio-without-command", {"mcp.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: McpServer
        metadata: {name: files}
        spec:
          transport: stdio
        """}, [("invalid-value", "mcp.yaml:4", "spec", "needs `command`")]),
    Case("mcp-unknown-transport", {"mcp.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: McpServer
        metadata: {name: files}
        spec:
          transport: websocket
          url: ws://localhost
        """}, [("invalid-value", "mcp.yaml:5", "spec.transport", "'stdio'")]),
    Case("workflow-dangling", {"flow.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Workflow
        metadata: {name: flow}
        spec:
          entry: first
          nodes:
            - {id: first, ref: agents.orchestra}
            - {id: second, ref: tools.missing}
          edges:
            - {from: first, to: thrid}
        """}, [("unknown-reference", "flow.yaml:8", "spec.nodes[1].ref", "unknown Tool 'missing'"),
               ("unknown-reference", "flow.yaml:10", "spec.edges[0].to",
                "'thrid' is not a node id")]),
    Case("plugin-disabled-but-used", {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          plugins: {disable: [console]}
          eventSinks: [{use: console}]
        """}, [("plugin-disabled", "runtime.yaml:6", "spec.eventSinks[0].use", "is disabled")]),
    Case("not-utf8", {"agents.yaml": None}, [("encoding", "latin1.yaml", "", "not UTF-8")]),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_malformed_workspace(scaffold: Path, case: Case) -> None:
    write_files(scaffold, case.files)
    if case.id == "not-utf8":
        (scaffold / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(WorkspaceError) as info:
        load_workspace(scaffold, environ=case.env)
    got = [(d.code, f"{d.file}:{d.line}" if d.line else str(d.file), d.path, d.render())
           for d in info.value.diagnostics]
    assert [g[:3] for g in got] == [e[:3] for e in case.expected], got
    for (_, _, _, rendered), (_, _, _, text) in zip(got, case.expected, strict=True):
        assert text in rendered, rendered


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_scaffold_is_valid(scaffold: Path) -> None:
    workspace = load_workspace(scaffold, environ={})
    assert workspace.counts() == {"Runtime": 1, "Agent": 1, "Model": 1, "Tool": 1}


def test_every_error_is_reported_not_just_the_first(scaffold: Path) -> None:
    write_files(scaffold, {"agents.yaml": agent(
        "  backend: python\n  entrypoint: agents:orchestra\n  model: nope\n  tools: [nada]\n"),
        "extra.yaml": "kind: Nothing\n"})
    with pytest.raises(WorkspaceError) as info:
        load_workspace(scaffold, environ={})
    codes = sorted(d.code for d in info.value.diagnostics)
    assert codes == ["missing-field", "unknown-kind", "unknown-reference", "unknown-reference"]


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as info:
        load_workspace(tmp_path, environ={})
    assert info.value.diagnostics[0].code == "no-documents"
    assert "stable-harness init" in info.value.diagnostics[0].hint


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as info:
        load_workspace(tmp_path / "missing", environ={})
    assert info.value.diagnostics[0].code == "not-a-workspace"
