"""The backend adapter contract suite.

A backend plugin's tests subclass :class:`BackendContract` with ``backend = "<name>"``. The
suite needs three agents on that backend; by default they run on the built-in ``scripted``
model (and ``approval_options`` make the approval agent pause), otherwise the subclass returns
their YAML from :meth:`BackendContract.agent_documents`:

* ``contract-plain``: calls tool ``contract_echo`` with ``{"value": <input>}`` once, then
  answers with text that contains the tool's result;
* ``contract-approval``: the same, but the ``contract_echo`` call needs a human decision first
  (an approval whose ``action`` names the tool);
* ``contract-slow``: calls tool ``contract_slow`` (which sleeps for a minute) with
  ``{"seconds": 60}``.

The suite writes the tools, a Runtime and those agents into a temporary workspace and checks
what every adapter must do. Each test's docstring says what is required and how to fix a
failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from stable_harness.errors import WorkspaceError
from stable_harness.records import Slot, Support
from stable_harness.runs.events import EventType
from stable_harness.runtime import Runtime
from stable_harness.testing.contracts.base import ContractSuite
from stable_harness.testing.contracts.workspaces import document
from stable_harness.testing.workspace import write_files
from stable_harness.workspace import load_workspace

TOOLS_PY = '''
import asyncio
import os


def contract_echo(value: str) -> str:
    """Return the value; count calls in CONTRACT_CALLS (one line per call)."""
    path = os.environ.get("CONTRACT_CALLS")
    if path:
        with open(path, "a") as f:
            f.write(value + "\\n")
    return value


async def contract_slow(seconds: float) -> str:
    """Sleep, then return."""
    await asyncio.sleep(seconds)
    return "slept"
'''

TOOLS_YAML = """
apiVersion: stable-harness.dev/v1
kind: Runtime
metadata: {name: contract}
spec:
  runs: {retry: {maxAttempts: 1}}
---
apiVersion: stable-harness.dev/v1
kind: Tool
metadata: {name: contract_echo}
spec: {entrypoint: "contract_tools:contract_echo", tags: [mutating]}
---
apiVersion: stable-harness.dev/v1
kind: Tool
metadata: {name: contract_slow}
spec: {entrypoint: "contract_tools:contract_slow", tags: [read-only]}
"""


SCRIPTED_MODELS = """\
apiVersion: stable-harness.dev/v1
kind: Model
metadata: {name: contract-echo}
spec:
  provider: scripted
  config:
    turns:
      - toolCalls: [{name: contract_echo, args: {value: "{{ input }}"}}]
      - text: "echo: {{ last_tool_result }}"
---
apiVersion: stable-harness.dev/v1
kind: Model
metadata: {name: contract-sleep}
spec:
  provider: scripted
  config:
    turns:
      - toolCalls: [{name: contract_slow, args: {seconds: 60}}]
      - text: done
"""


def types_of(events: list[Any]) -> list[str]:
    """Event types in order."""
    return [e.type for e in events]


# Agent.spec fields that ask for a capability, with a value that asks for it.
CAPABILITY_REQUESTS: dict[str, tuple[str, Any]] = {
    "skills": ("skills", ["contract-skill"]),
    "memory": ("memory", "contract-memory"),
    "mcp": ("mcpServers", ["contract-mcp"]),
    "subagents": ("subagents", ["contract-plain"]),
    "custom_graph": ("graph", "contract_tools:contract_echo"),
    "graph_overlay": ("edges", [{"from": "contract-plain", "to": "contract-slow"}]),
}


class BackendContract(ContractSuite):
    """Subclass with ``backend = "<name>"`` and :meth:`agent_documents` (module docstring)."""

    backend: ClassVar[str]

    approval_options: ClassVar[dict[str, Any]] = {"interruptOn": {"contract_echo": True}}
    """``Agent.spec.options`` that make ``contract_echo`` need a decision (default: the
    upstream ``interrupt_on`` of the LangGraph-based backends)."""

    def agent_documents(self) -> str:
        """YAML of the agents ``contract-plain``, ``contract-approval``, ``contract-slow``.

        The default plays them with the built-in ``scripted`` model on ``self.backend``, for
        backends that run a chat model with tools; override it otherwise (e.g. for agents
        written as code)."""
        agents = [("contract-plain", "contract-echo", "contract_echo", {}),
                  ("contract-approval", "contract-echo", "contract_echo",
                   self.approval_options),
                  ("contract-slow", "contract-sleep", "contract_slow", {})]
        docs = [SCRIPTED_MODELS]
        for name, model, tool, options in agents:
            docs.append(document("Agent", name, {"backend": self.backend, "model": model,
                                                 "tools": [tool], "options": options}))
        return "---\n".join(docs)

    def extra_files(self) -> dict[str, str]:
        """Other files the agents need (e.g. Python modules), by relative path."""
        return {}

    # -- fixtures ---------------------------------------------------------------------------

    @pytest.fixture
    def contract_workspace(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        monkeypatch.setenv("CONTRACT_CALLS", str(tmp_path / "calls.log"))
        return write_files(tmp_path / "contract-ws", {
            "contract_tools.py": TOOLS_PY, "tools.yaml": TOOLS_YAML,
            "agents.yaml": self.agent_documents(), **self.extra_files()})

    @pytest.fixture
    async def contract_runtime(self, contract_workspace: Path) -> AsyncIterator[Runtime]:
        runtime = await Runtime.open(contract_workspace)
        yield runtime
        await runtime.close()

    @staticmethod
    def calls(workspace: Path) -> list[str]:
        path = workspace.parent / "calls.log"
        return path.read_text().splitlines() if path.exists() else []

    # -- the contract -----------------------------------------------------------------------

    async def test_plain_run_calls_the_tool_through_the_runtime(
            self, contract_runtime: Runtime, contract_workspace: Path) -> None:
        """A run completes; its tool call is in the ledger and reported by tool events.

        Fix: execute workspace tools with ``RunContext.call_tool`` (never call the function
        directly), and end the stream with ``Result``."""
        run = await contract_runtime.run("ping", agent="contract-plain", timeout=60)
        assert run.status == "completed", run.error
        assert "ping" in str(run.output)
        assert self.calls(contract_workspace) == ["ping"]
        ledger = await contract_runtime.store.ledger(run.id)
        assert [e.tool for e in ledger.values()] == ["contract_echo"]
        types = types_of(await contract_runtime.store.read_events(run.id))
        assert types[:2] == [EventType.RUN_QUEUED, EventType.RUN_STARTED]
        assert types[-1] == EventType.RUN_COMPLETED
        assert types.index(EventType.TOOL_STARTED) < types.index(EventType.TOOL_COMPLETED)

    async def test_output_streams_in_order_before_completion(
            self, contract_runtime: Runtime) -> None:
        """Output deltas are events, in order, before ``harness.run.completed``, and the
        final answer's text is streamed (not only returned).

        Fix: yield ``OutputDelta`` for each piece of text as the framework produces it."""
        run = await contract_runtime.run("pong", agent="contract-plain", timeout=60)
        events = await contract_runtime.store.read_events(run.id)
        deltas = [e for e in events if e.type == EventType.OUTPUT_DELTA]
        assert deltas, "no harness.output.delta events"
        assert deltas[-1].seq < events[-1].seq
        assert str(run.output).strip() in "".join(d.payload["text"] for d in deltas)
        assert [e.seq for e in events] == sorted(e.seq for e in events)

    async def test_approval_round_trip(self, contract_runtime: Runtime,
                                       contract_workspace: Path) -> None:
        """The agent pauses for a decision: the run waits (no tool call yet); approving
        resumes it and the tool runs once.

        Fix: yield ``Interrupt`` (stable ``key``) for the framework's pause and answer it in
        ``resume`` from the decision."""
        run = await contract_runtime.run("hi", agent="contract-approval", timeout=60)
        assert run.status == "waiting_approval", run.error
        assert self.calls(contract_workspace) == []
        [approval] = await contract_runtime.list_approvals(run_id=run.id)
        assert "contract_echo" in str(approval.action)
        await contract_runtime.resolve_approval(approval.id, "approve")
        done = await contract_runtime.wait(run.id, timeout=60)
        assert done.status == "completed", done.error
        assert self.calls(contract_workspace) == ["hi"]

    async def test_rejection_skips_the_tool(self, contract_runtime: Runtime,
                                            contract_workspace: Path) -> None:
        """A rejected action never runs; the run still finishes.

        Fix: map a ``reject`` decision to the framework's own rejection."""
        run = await contract_runtime.run("no", agent="contract-approval", timeout=60)
        [approval] = await contract_runtime.list_approvals(run_id=run.id)
        await contract_runtime.resolve_approval(approval.id, "reject", message="not now")
        done = await contract_runtime.wait(run.id, timeout=60)
        assert done.status in ("completed", "failed", "blocked")
        assert self.calls(contract_workspace) == []

    async def test_resume_after_the_process_restarts(self, contract_workspace: Path) -> None:
        """A run parked for approval survives a restart: a new runtime resumes it.

        Fix: keep what resume needs in durable state (checkpoints or the run's records),
        never only in memory."""
        first = await Runtime.open(contract_workspace)
        try:
            run = await first.run("later", agent="contract-approval", timeout=60)
            [approval] = await first.list_approvals(run_id=run.id)
        finally:
            await first.close()
        second = await Runtime.open(contract_workspace)
        try:
            await second.resolve_approval(approval.id, "approve")
            done = await second.wait(run.id, timeout=60)
        finally:
            await second.close()
        assert done.status == "completed", done.error
        assert self.calls(contract_workspace) == ["later"]

    async def test_cancel_reaches_a_tool_in_flight(self, contract_runtime: Runtime) -> None:
        """Cancelling while a tool runs ends the run ``cancelled`` promptly, and it stays so.

        Fix: run tools inside the run's task (cancellation is task cancellation); do not
        shield or detach them."""
        run = await contract_runtime.start("x", agent="contract-slow")
        for _ in range(600):
            events = await contract_runtime.store.read_events(run.id)
            if EventType.TOOL_STARTED in types_of(events):
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the slow tool never started")
        await contract_runtime.cancel(run.id, reason="contract")
        done = await contract_runtime.wait(run.id, timeout=10)
        assert done.status == "cancelled"
        types = types_of(await contract_runtime.store.read_events(run.id))
        assert EventType.TOOL_COMPLETED not in types

    async def test_events_and_results_follow_the_execution_contract(
            self, contract_runtime: Runtime) -> None:
        """Every event bearing a ``harness.execution`` name carries the contract's payload
        fields, and ``harness.run.get`` returns ``{run}`` with its steps.

        Fix: emit run and step events through ``RunContext`` (the runtime adds the contract's
        timestamps and ``mode``); give ``StepStarted`` a ``name`` (its ``stepKey``)."""
        from stable_harness.testing.conformance import event_problems, operation_problems

        done = await contract_runtime.run("ok", agent="contract-plain", timeout=60)
        parked = await contract_runtime.run("ask", agent="contract-approval", timeout=60)
        [approval] = await contract_runtime.list_approvals(run_id=parked.id)
        await contract_runtime.resolve_approval(approval.id, "approve")
        await contract_runtime.wait(parked.id, timeout=60)
        problems = []
        for run in (done, parked):
            problems += event_problems(await contract_runtime.store.read_events(run.id))
            got = {"run": await contract_runtime.harness_run(run.id)}
            problems += operation_problems("harness.run.get", got)
            assert got["run"]["steps"], "no steps derived from the run's events"
        assert problems == []

    def test_declared_capabilities_match_the_contract(self, contract_runtime: Runtime) -> None:
        """What this suite exercised must be declared supported (``native`` or ``wrapped``).

        Fix: declare ``streaming``, ``approvals``, ``resume``, ``cancellation`` and ``tools``
        in the backend record's ``capabilities``; a capability declared ``unsupported`` must
        make validation fail instead."""
        record = contract_runtime.workspace.plugins.registry(Slot.BACKEND).get(
            self.backend).record
        for capability in ("streaming", "approvals", "resume", "cancellation", "tools"):
            assert record.capabilities.get(capability) in (Support.NATIVE, Support.WRAPPED), \
                capability

    def test_unsupported_capabilities_fail_at_validation(
            self, contract_workspace: Path) -> None:
        """An agent asking for a capability the backend declares ``unsupported`` is refused
        when the workspace is validated (a diagnostic at the field), not in the middle of a
        run.

        Fix: declare ``unsupported`` only for what the adapter really cannot do, and list in
        ``agent_fields`` only the ``Agent.spec`` fields it honours."""
        record = load_workspace(contract_workspace).plugins.registry(Slot.BACKEND).get(
            self.backend).record
        refused = [c for c in CAPABILITY_REQUESTS
                   if record.capabilities.get(c) is Support.UNSUPPORTED]
        for capability in refused:
            key, value = CAPABILITY_REQUESTS[capability]
            agent = document("Agent", f"contract-asks-{capability}",
                             {"backend": self.backend, key: value})
            write_files(contract_workspace, {"asks.yaml": agent})
            with pytest.raises(WorkspaceError) as caught:
                load_workspace(contract_workspace)
            found = [d for d in caught.value.diagnostics
                     if d.subject == f"Agent/contract-asks-{capability}" and d.path == f"spec.{key}"
                     and d.code in ("unsupported-capability", "unsupported-field")]
            assert found, f"asking for {capability!r} was not refused at spec.{key}: " \
                          f"{caught.value}"
