"""The small workspace the slot suites (other than the backend's) run requests on: agents on
the built-in ``python`` backend, tools of the built-in ``python`` registry."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stable_harness.testing.workspace import write_files

AGENTS_PY = '''
async def echo(ctx):
    """Answer with the input, streamed in two pieces."""
    text = str(ctx.input)
    await ctx.output("echo: ")
    await ctx.output(text)


async def call(ctx):
    """Call the tool named in the input ``{"tool": ..., "arguments": {...}}``."""
    return await ctx.call_tool(ctx.input["tool"], ctx.input.get("arguments", {}))
'''

TOOLS_PY = '''
import os


def contract_target(path: str = "", url: str = "", command: str = "") -> str:
    """Record the call (one line in CONTRACT_CALLS) and return its arguments."""
    line = f"{path}|{url}|{command}"
    if os.environ.get("CONTRACT_CALLS"):
        with open(os.environ["CONTRACT_CALLS"], "a") as f:
            f.write(line + "\\n")
    return line
'''


def document(kind: str, name: str, spec: Mapping[str, Any]) -> str:
    """One YAML document (JSON is YAML)."""
    return (f"apiVersion: stable-harness.dev/v1\nkind: {kind}\nmetadata: {{name: {name}}}\n"
            f"spec: {json.dumps(spec)}\n")


def write_contract_workspace(root: Path, runtime: Mapping[str, Any] | None = None, *,
                             tools: Mapping[str, str] | None = None,
                             files: Mapping[str, str] | None = None) -> Path:
    """Agents ``contract-echo`` and ``contract-call`` (python backend), tools
    ``contract_target`` (mutating) and ``contract_other`` (read-only, same function) plus
    ``tools`` (name → YAML document), and a Runtime with ``runtime``
    as its spec."""
    tool_names = ["contract_target", "contract_other", *(tools or {})]
    docs = [document("Runtime", "contract", {"runs": {"retry": {"maxAttempts": 1}},
                                             **(runtime or {})}),
            document("Agent", "contract-echo",
                     {"backend": "python", "entrypoint": "contract_agents:echo"}),
            document("Agent", "contract-call", {"backend": "python",
                                                "entrypoint": "contract_agents:call",
                                                "tools": tool_names}),
            document("Tool", "contract_target",
                     {"entrypoint": "contract_tools:contract_target", "tags": ["mutating"]}),
            document("Tool", "contract_other",
                     {"entrypoint": "contract_tools:contract_target", "tags": ["read-only"]}),
            *(tools or {}).values()]
    return write_files(root, {"contract_agents.py": AGENTS_PY, "contract_tools.py": TOOLS_PY,
                              "workspace.yaml": "---\n".join(docs), **(files or {})})
