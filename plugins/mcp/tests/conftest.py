"""Workspaces whose agents use real third-party MCP servers: ``mcp-server-time`` (PyPI, a
test dependency of this plugin) and ``@modelcontextprotocol/server-everything`` /
``server-filesystem`` (npm, installed into ``tests/node`` by ``scripts/dev-setup.sh``)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from stable_harness.testing.workspace import write_files

NODE_BIN = Path(__file__).parent / "node" / "node_modules" / ".bin"

# A python-backend agent that makes the calls its input lists: {"calls": [[tool, args], ...]}.
# Each result (or error) is reported in order, so a test sees exactly what the gateway did.
CALLER = """
import json

async def run(ctx):
    plan = json.loads(ctx.input)
    out = []
    for name, args in plan["calls"]:
        try:
            out.append({"ok": await ctx.call_tool(name, args)})
        except Exception as exc:
            out.append({"error": str(exc)})
    return json.dumps(out)
"""


def node_server(name: str) -> str:
    """The path of an npm MCP server's executable (a clear failure when it is missing)."""
    path = NODE_BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `bash scripts/dev-setup.sh` (it needs Node and "
                    "npm) to install the npm MCP servers these tests use")
    return str(path)


def time_server() -> str:
    exe = Path(sys.executable).with_name("mcp-server-time")
    found = str(exe) if exe.exists() else shutil.which("mcp-server-time")
    if found is None:
        pytest.fail("mcp-server-time is missing: install this plugin with its [test] extra")
    return found


def workspace(root: Path, servers: dict[str, dict[str, Any]],
              agent: dict[str, Any] | None = None,
              runtime: dict[str, Any] | None = None) -> Path:
    """A workspace with McpServer documents ``servers`` (name → spec) and the agent
    ``caller`` (python backend, using every server unless ``agent`` says otherwise)."""
    docs = [{"apiVersion": "stable-harness.dev/v1", "kind": "Runtime",
             "metadata": {"name": "mcp-test"}, "spec": {"eventSinks": [], **(runtime or {})}},
            {"apiVersion": "stable-harness.dev/v1", "kind": "Agent",
             "metadata": {"name": "caller"},
             "spec": {"backend": "python", "entrypoint": "caller:run",
                      "mcpServers": sorted(servers), **(agent or {})}}]
    docs += [{"apiVersion": "stable-harness.dev/v1", "kind": "McpServer",
              "metadata": {"name": name}, "spec": spec} for name, spec in servers.items()]
    return write_files(root, {
        "ws.yaml": "\n---\n".join(json.dumps(d) for d in docs) + "\n",
        "caller.py": CALLER})


def plan(*calls: tuple[str, Any]) -> str:
    """The caller agent's input: make these calls in order."""
    return json.dumps({"calls": [list(c) for c in calls]})


class McpKit:
    """The helpers above, for the test modules (a fixture: test folders are not packages)."""

    node_server = staticmethod(node_server)
    time_server = staticmethod(time_server)
    workspace = staticmethod(workspace)
    plan = staticmethod(plan)


@pytest.fixture
def kit() -> type[McpKit]:
    return McpKit
