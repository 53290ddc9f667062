"""The tool registry contract suite.

A tool-registry plugin's tests subclass :class:`ToolRegistryContract` with ``registry =
"<name>"`` and :meth:`ToolRegistryContract.tool_document`, the ``spec`` of a Tool called
``contract_tool`` served by the registry, plus ``arguments`` for a good call, the ``result``
it returns, ``bad_arguments`` the tool's schema refuses and a ``bad_config``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from jsonschema import Draft202012Validator

from stable_harness.errors import WorkspaceError
from stable_harness.records import Slot
from stable_harness.runs.events import EventType
from stable_harness.runtime.assembly import load_tool
from stable_harness.testing.contracts.base import ContractSuite
from stable_harness.testing.contracts.workspaces import document, write_contract_workspace
from stable_harness.testing.harness import load, open_runtime, run_request
from stable_harness.tools.contract import ToolRegistry


class ToolRegistryContract(ContractSuite):
    """Subclass with ``registry``, :meth:`tool_spec`, ``arguments``, ``result``,
    ``bad_arguments``, ``bad_config`` (and :meth:`extra_files` if the tool needs files)."""

    registry: ClassVar[str]
    arguments: ClassVar[dict[str, Any]]
    result: ClassVar[Any]
    bad_arguments: ClassVar[dict[str, Any]]
    bad_config: ClassVar[dict[str, Any]]

    def tool_spec(self) -> dict[str, Any]:
        """``Tool.spec`` of ``contract_tool`` (``registry`` is added)."""
        raise NotImplementedError

    def extra_files(self) -> dict[str, str]:
        """Files the tool needs in the workspace, by relative path."""
        return {}

    def workspace(self, root: Path, config: dict[str, Any] | None = None) -> Path:
        spec = {**self.tool_spec(), "registry": self.registry}
        if config is not None:
            spec["config"] = config
        return write_contract_workspace(
            root, tools={"contract_tool": document("Tool", "contract_tool", spec)},
            files=self.extra_files())

    # -- the contract -----------------------------------------------------------------------

    def test_loads_a_tool_with_a_json_schema(self, tmp_path: Path) -> None:
        """The registry's factory returns a ``ToolRegistry``; the loaded tool is callable,
        described, and its ``parameters`` are a valid JSON Schema of an object.

        Fix: derive the schema from the tool's own definition (signature, MCP
        ``inputSchema``…), with ``type: object`` and ``properties``."""
        ws = load(self.workspace(tmp_path / "ws"))
        tool = load_tool(ws, "contract_tool")
        assert callable(tool.function)
        assert tool.description.strip(), "the tool has no description for the model"
        Draft202012Validator.check_schema(tool.parameters)
        assert tool.parameters.get("type") == "object", tool.parameters

    async def test_a_call_runs_through_the_runtime(self, tmp_path: Path) -> None:
        """An agent's call of the tool runs, returns the expected result, and is recorded in
        the ledger with tool events (the registry never bypasses the runtime).

        Fix: return the tool's result as JSON data from ``function``."""
        async with open_runtime(self.workspace(tmp_path / "ws")) as runtime:
            done = await run_request(runtime, {"tool": "contract_tool",
                                               "arguments": self.arguments},
                                     agent="contract-call")
            assert done.run.status == "completed", done.run.error
            assert done.run.output == self.result
            ledger = await runtime.store.ledger(done.run.id)
        assert [entry.tool for entry in ledger.values()] == ["contract_tool"]
        assert EventType.TOOL_COMPLETED in done.types

    async def test_bad_arguments_never_reach_the_tool(self, tmp_path: Path) -> None:
        """Arguments the schema refuses are stopped by the gateway: the step is blocked and
        the tool is not started.

        Fix: publish the real constraints (required, types) in ``parameters``."""
        async with open_runtime(self.workspace(tmp_path / "ws")) as runtime:
            stopped = await run_request(runtime, {"tool": "contract_tool",
                                                  "arguments": self.bad_arguments},
                                        agent="contract-call")
        assert EventType.STEP_BLOCKED in stopped.types, stopped.types
        assert EventType.TOOL_STARTED not in stopped.types

    def test_bad_config_is_a_validation_error(self, tmp_path: Path) -> None:
        """A wrong ``Tool.spec.config`` fails workspace validation at ``spec.config``.

        Fix: give the record a ``config_model`` with typed fields (``extra='forbid'``)."""
        with pytest.raises(WorkspaceError) as caught:
            load(self.workspace(tmp_path / "ws", self.bad_config))
        paths = [d.path for d in caught.value.diagnostics
                 if d.subject == "Tool/contract_tool"]
        assert any(p.startswith("spec.config") for p in paths), caught.value

    def test_factory_returns_a_tool_registry(self, tmp_path: Path) -> None:
        """The factory's object has ``load(name, spec, root)``.

        Fix: implement :class:`stable_harness.tools.ToolRegistry`."""
        ws = load(self.workspace(tmp_path / "ws"))
        record = ws.plugins.registry(Slot.TOOL_REGISTRY).get(self.registry).record
        registry = record.create(ws.tools["contract_tool"].doc.spec.config)
        assert isinstance(registry, ToolRegistry)
