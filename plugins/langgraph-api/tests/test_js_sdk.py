"""The LangGraph JavaScript SDK (``@langchain/langgraph-sdk``, what Agent Chat UI, LangGraph
Studio and CopilotKit's LangGraph connector use), run with Node against the server."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
NODE = Path(__file__).parent / "node"


def test_the_js_sdk_streams_and_resumes_an_interrupt(url: str) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is required (CI installs it)"
    assert (NODE / "node_modules" / "@langchain" / "langgraph-sdk").is_dir(), \
        "run `npm ci --prefix plugins/langgraph-api/tests/node` (scripts/dev-setup.sh does)"
    done = subprocess.run([node, str(NODE / "client.mjs"), url], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout)
    assert seen["thread"]["metadata"] == {"from": "js"}
    assert seen["events"][0] == "metadata"
    assert seen["events"][-1] == "end"
    assert {"values", "messages"} <= set(seen["events"])
    assert seen["text"] == seen["last"] == "echo_tool said: hello from js"
    assert seen["interrupt"] == {"question": "publish?", "draft": "draft of js"}
    assert seen["threadStatus"] == "interrupted"
    assert seen["resumeEvents"][0] == "metadata"
    assert "values" in seen["resumeEvents"]
    assert seen["verdict"] == "approved in js"
    assert seen["state"] == {"draft": "draft of js", "verdict": "approved in js"}
