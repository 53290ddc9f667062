"""The runtime served over MCP, driven by the official ``mcp`` client over stdio
(``stable-harness -w WS mcp``): tools, a run with progress, cancel mid-run, an approval round
trip, the contract operations and resources. (Streamable HTTP at ``/mcp``, with bearer auth,
is tested with the HTTP plugin in the repository's ``tests/``.)"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from stable_harness.testing.workspace import write_files

pytestmark = pytest.mark.slow

AGENTS = """
import asyncio

async def echo(ctx):
    \"\"\"Say it back.\"\"\"
    await ctx.call_tool("note", {"text": ctx.input})
    return f"echo: {ctx.input}"

async def sleeper(ctx):
    await asyncio.sleep(float(ctx.input))
    return "slept"

async def approver(ctx):
    decision = await ctx.request_approval({"do": "ship", "what": ctx.input}, "ships it")
    return "shipped" if decision.approved else f"not shipped: {decision.message}"
"""

TOOLS = """
def note(text: str) -> str:
    return f"noted {text}"
"""


def served_workspace(root: Path, expose: list[str] | None = None) -> Path:
    docs: list[dict[str, Any]] = [
        {"kind": "Runtime", "metadata": {"name": "served"},
         "spec": {"eventSinks": [], "protocols": {"mcp": (
             {"exposeAgents": expose} if expose else {})}}},
        {"kind": "Tool", "metadata": {"name": "note"},
         "spec": {"registry": "python", "entrypoint": "tools:note",
                  "tags": ["read-only", "idempotent"]}}]
    for name in ("echo", "sleeper", "approver"):
        spec: dict[str, Any] = {"backend": "python", "entrypoint": f"agents:{name}"}
        if name == "echo":
            spec["tools"] = ["note"]
        docs.append({"kind": "Agent", "metadata": {"name": name,
                                                   "description": f"The {name} agent."},
                     "spec": spec})
    text = "\n---\n".join(json.dumps({"apiVersion": "stable-harness.dev/v1", **d})
                          for d in docs)
    return write_files(root, {"ws.yaml": text + "\n", "agents.py": AGENTS,
                              "tools.py": TOOLS})


def stdio(ws: Path, *extra: str) -> Client:
    exe = str(Path(sys.executable).with_name("stable-harness"))
    return Client(StdioServerParameters(command=exe, args=["-w", str(ws), "mcp", *extra]))


def structured(result: Any) -> Any:
    assert not result.is_error, result.content
    return result.structured_content


async def test_tools_a_run_with_progress_and_the_contract_operations(tmp_path: Path) -> None:
    ws = served_workspace(tmp_path / "ws")
    async with stdio(ws) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert names == {"echo", "sleeper", "approver", "harness.run.start",
                         "harness.run.get", "harness.run.cancel", "approvals.list",
                         "approvals.decide", "runs.list"}
        seen: list[tuple[float, str | None]] = []

        async def progress(done: float, total: float | None, message: str | None) -> None:
            seen.append((done, message))

        answer = structured(await client.call_tool("echo", {"input": "hi"},
                                                   progress_callback=progress))
        assert answer["status"] == "completed"
        assert answer["output"] == "echo: hi"
        assert [m for _, m in seen] == ["run started", "calling note", "note returned"]

        started = structured(await client.call_tool(
            "harness.run.start", {"input": "again", "agentId": "echo"}))
        run_id = started["run"]["runId"]
        for _ in range(100):
            got = structured(await client.call_tool("harness.run.get", {"runId": run_id}))
            if got["run"]["status"] == "completed":
                break
            await asyncio.sleep(0.05)
        assert got["run"]["status"] == "completed"
        listed = structured(await client.call_tool("runs.list", {}))
        assert {r["runId"] for r in listed["runs"]} >= {run_id, answer["runId"]}

        trace = await client.read_resource(f"stable-harness://runs/{run_id}")
        document = json.loads(trace.contents[0].text)
        assert [e["type"] for e in document["events"]][-1] == "harness.run.completed"
        agent = await client.read_resource("stable-harness://agents/echo")
        assert json.loads(agent.contents[0].text)["tools"] == ["note"]

        wrong = await client.call_tool("harness.run.get", {"runId": "run_nope"})
        assert wrong.is_error
        assert "run_nope" in wrong.content[0].text


async def test_a_client_cancel_cancels_the_run(tmp_path: Path) -> None:
    ws = served_workspace(tmp_path / "ws")
    async with stdio(ws) as client:
        call = asyncio.create_task(client.call_tool("sleeper", {"input": "60"}))
        run_id = None
        for _ in range(200):
            runs = structured(await client.call_tool("runs.list", {"status": "running"}))
            if runs["runs"]:
                run_id = runs["runs"][0]["runId"]
                break
            await asyncio.sleep(0.05)
        assert run_id is not None
        call.cancel()  # the SDK sends notifications/cancelled for the abandoned request
        with pytest.raises(asyncio.CancelledError):
            await call
        for _ in range(200):
            got = structured(await client.call_tool("harness.run.get", {"runId": run_id}))
            if got["run"]["status"] == "cancelled":
                break
            await asyncio.sleep(0.05)
        assert got["run"]["status"] == "cancelled"


async def test_an_approval_round_trip(tmp_path: Path) -> None:
    ws = served_workspace(tmp_path / "ws")
    async with stdio(ws) as client:  # no elicitation callback: the approval id comes back
        parked = structured(await client.call_tool("approver", {"input": "v1"}))
        assert parked["status"] == "waiting_approval"
        approval_id = parked["approvalId"]
        pending = structured(await client.call_tool("approvals.list", {}))
        assert [a["approvalId"] for a in pending["approvals"]] == [approval_id]
        decided = structured(await client.call_tool(
            "approvals.decide", {"approvalId": approval_id, "decision": "reject",
                                 "message": "not today"}))
        assert decided["approval"]["status"] == "reject"
        for _ in range(200):
            got = structured(await client.call_tool("harness.run.get",
                                                    {"runId": parked["runId"]}))
            if got["run"]["status"] == "completed":
                break
            await asyncio.sleep(0.05)
        assert got["run"]["output"] == "not shipped: not today"


async def test_elicitation_decides_when_the_client_can(tmp_path: Path) -> None:
    from mcp.types import ElicitResult

    ws = served_workspace(tmp_path / "ws")
    asked: list[str] = []

    async def elicit(context: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"approve": True})

    exe = str(Path(sys.executable).with_name("stable-harness"))
    # a session with a back-channel (handshake era), where a server may send requests
    async with Client(StdioServerParameters(command=exe, args=["-w", str(ws), "mcp"]),
                      elicitation_callback=elicit, mode="legacy") as client:
        answer = structured(await client.call_tool("approver", {"input": "v2"}))
        assert answer["status"] == "completed"
        assert answer["output"] == "shipped"
        assert len(asked) == 1
        assert "ship" in asked[0]


async def test_expose_agents_limits_the_tools(tmp_path: Path) -> None:
    ws = served_workspace(tmp_path / "ws", expose=["echo"])
    async with stdio(ws) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "echo" in names
        assert "sleeper" not in names
        assert "approver" not in names
        refused = await client.call_tool("harness.run.start",
                                         {"input": "x", "agentId": "sleeper"})
        assert refused.is_error
        assert "not served here" in refused.content[0].text


async def test_our_server_as_a_tool_source_gets_the_cancel(tmp_path: Path, kit) -> None:
    """One runtime uses another, served over MCP, as a tool source: cancelling the outer
    run sends ``notifications/cancelled``, which cancels the inner run."""
    from stable_harness.runtime import Runtime

    inner = served_workspace(tmp_path / "inner")
    exe = str(Path(sys.executable).with_name("stable-harness"))
    outer = kit.workspace(tmp_path / "outer", {"inner": {
        "transport": "stdio", "command": exe, "args": ["-w", str(inner), "mcp"],
        "prefix": "inner_"}})
    async with await Runtime.open(outer) as rt:
        run = await rt.start(kit.plan(("inner_sleeper", {"input": "60"})), agent="caller")
        async for event in rt.events(run.id):
            if event.type == "harness.tool.started":
                break
        await asyncio.sleep(0.5)  # the inner run has started
        await rt.cancel(run.id)
        assert (await rt.wait(run.id, timeout=10)).status.value == "cancelled"
        async with await Runtime.open(inner, recover=False) as seen:
            for _ in range(100):
                [inner_run] = await seen.list_runs()
                if inner_run.status.value == "cancelled":
                    break
                await asyncio.sleep(0.1)
        assert inner_run.status.value == "cancelled"
