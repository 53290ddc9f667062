"""Every tool call of a run passes the gateway: repairs and refusals are events, a refusal is
a typed error the agent can handle, and too many refusals end the run ``blocked``."""

from __future__ import annotations

from pathlib import Path

import pytest
from stable_harness.runs.events import EventType
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files

FILES = {
    "ws.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: gw}
        spec: {runs: {refusalBudget: 2}}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: add}
        spec: {entrypoint: "gw_mod:add", tags: [read-only]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: sloppy}
        spec: {backend: python, entrypoint: "gw_mod:sloppy", tools: [add]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: corrects}
        spec: {backend: python, entrypoint: "gw_mod:corrects", tools: [add]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: stubborn}
        spec: {backend: python, entrypoint: "gw_mod:stubborn", tools: [add]}
        """,
    "gw_mod.py": """
        from stable_harness.runtime.tools import ToolRefusedError


        def add(a: int, b: int) -> int:
            return a + b


        async def sloppy(ctx):
            return await ctx.call_tool("Add", '{"a": "2", "b": 3,}')


        async def corrects(ctx):
            try:
                await ctx.call_tool("add", {"a": 2})
            except ToolRefusedError as exc:
                await ctx.output("refused: " + exc.refusal.code + ". ")
            return await ctx.call_tool("add", {"a": 2, "b": 2})


        async def stubborn(ctx):
            for _ in range(5):
                try:
                    await ctx.call_tool("add", {"a": "two", "b": 1})
                except ToolRefusedError:
                    pass
        """,
}


@pytest.fixture
async def rt(tmp_path: Path):
    runtime = await Runtime.open(write_files(tmp_path / "ws", FILES))
    yield runtime
    await runtime.close()


async def test_a_repaired_call_runs_repaired_and_says_so(rt) -> None:
    run = await rt.run("x", agent="sloppy", timeout=30)
    assert run.status == "completed", run.error
    assert run.output == 5
    events = await rt.store.read_events(run.id)
    [repaired] = [e for e in events if e.type == EventType.TOOL_REPAIRED]
    assert repaired.payload["tool"] == "add"
    assert repaired.payload["arguments"] == {"a": 2, "b": 3}
    assert [r["code"] for r in repaired.payload["repairs"]] == [
        "name_case_or_separator", "trailing_comma", "string_to_integer"]
    [entry] = (await rt.store.ledger(run.id)).values()
    assert (entry.tool, entry.arguments) == ("add", {"a": 2, "b": 3})


async def test_a_refusal_is_an_event_and_a_typed_error_the_agent_handles(rt) -> None:
    run = await rt.run("x", agent="corrects", timeout=30)
    assert run.status == "completed", run.error
    assert run.output == 4
    events = await rt.store.read_events(run.id)
    [blocked] = [e for e in events if e.type == EventType.STEP_BLOCKED]
    assert blocked.payload["reason"] == "missing_required"
    diagnostics = blocked.payload["diagnostics"]
    assert diagnostics["stage"] == "validate"
    assert diagnostics["problems"][0]["path"] == "$"
    # nothing ran for the refused call: one ledger entry, the corrected call
    assert [e.arguments for e in (await rt.store.ledger(run.id)).values()] == [{"a": 2, "b": 2}]


async def test_the_refusal_budget_ends_the_run_blocked(rt) -> None:
    run = await rt.run("x", agent="stubborn", timeout=30)
    assert run.status == "blocked"
    assert "refusal budget exhausted" in run.error["message"]
    events = await rt.store.read_events(run.id)
    assert sum(e.type == EventType.STEP_BLOCKED for e in events) == 4  # 3 refusals + the end
    assert await rt.store.ledger(run.id) == {}
