"""The tool source contract suite.

A tool-source plugin's tests subclass :class:`ToolSourceContract` with ``source =
"<name>"``, :meth:`ToolSourceContract.server_spec` (the ``spec`` of a server document the
source serves), and for one of that server's tools: ``tool``, good ``arguments``, a
``check(result)`` of what it returns, and ``bad_arguments`` its schema refuses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from jsonschema import Draft202012Validator

from stable_harness.records import Slot
from stable_harness.runs.events import EventType
from stable_harness.secrets import resolve
from stable_harness.testing.contracts.base import ContractSuite
from stable_harness.testing.contracts.workspaces import document, write_contract_workspace
from stable_harness.testing.harness import load, open_runtime, run_request
from stable_harness.tools.sources import SourceResult, ToolSource

KINDS = {"mcp": "McpServer"}  # the document kind each source serves


class ToolSourceContract(ContractSuite):
    """Subclass with ``source``, :meth:`server_spec`, ``tool``, ``arguments``,
    ``bad_arguments`` and :meth:`check`."""

    source: ClassVar[str]
    tool: ClassVar[str]
    arguments: ClassVar[dict[str, Any]]
    bad_arguments: ClassVar[dict[str, Any]]

    def server_spec(self) -> dict[str, Any]:
        """The spec of the server document (``kind: McpServer`` for ``mcp``)."""
        raise NotImplementedError

    def check(self, result: Any) -> None:
        """Assert that ``result`` is what a call with ``arguments`` returns."""
        raise NotImplementedError

    def workspace(self, root: Path) -> Path:
        ws = write_contract_workspace(root, files={"server.yaml": document(
            KINDS[self.source], "contract_server", self.server_spec())})
        main = ws / "workspace.yaml"
        text = main.read_text(encoding="utf-8")
        call = '"entrypoint": "contract_agents:call"'
        assert call in text
        main.write_text(text.replace(call, f'{call}, "mcpServers": ["contract_server"]'),
                        encoding="utf-8")
        return ws

    def make(self, tmp_path: Path) -> ToolSource:
        ws = load(self.workspace(tmp_path / "ws"))
        record = ws.plugins.registry(Slot.TOOL_SOURCE).get(self.source).record
        entry = ws.of_kind(KINDS[self.source])["contract_server"]
        made: ToolSource = record.create({}, name="contract_server", spec=entry.doc.spec,
                                         root=ws.root, secret=resolve)
        return made

    # -- the contract -----------------------------------------------------------------------

    async def test_lists_tools_with_json_schemas(self, tmp_path: Path) -> None:
        """The factory returns a ``ToolSource`` whose tools have names, descriptions and an
        ``object`` JSON Schema, and ``close()`` may be called twice.

        Fix: translate the server's own tool description; ``type: object`` at the root."""
        source = self.make(tmp_path)
        assert isinstance(source, ToolSource)
        try:
            tools = {t.name: t for t in await source.list_tools()}
            assert self.tool in tools, sorted(tools)
            for tool in tools.values():
                Draft202012Validator.check_schema(tool.parameters)
                assert tool.parameters.get("type") == "object", tool.parameters
        finally:
            await source.close()
        await source.close()

    async def test_a_call_returns_a_source_result(self, tmp_path: Path) -> None:
        """A direct call answers with a ``SourceResult`` the model can read.

        Fix: put the server's answer in ``value``; failures reported by the tool set
        ``is_error`` rather than raising."""
        source = self.make(tmp_path)
        try:
            result = await source.call_tool(self.tool, dict(self.arguments))
        finally:
            await source.close()
        assert isinstance(result, SourceResult)
        assert not result.is_error, result.value
        self.check(result.value)

    async def test_a_call_through_the_runtime_is_governed(self, tmp_path: Path) -> None:
        """An agent's call runs through the gateway and the ledger, with tool events that
        name the source; bad arguments are stopped before the server sees them.

        Fix: never call the server outside ``call_tool``; publish the real schema."""
        async with open_runtime(self.workspace(tmp_path / "ws")) as runtime:
            done = await run_request(runtime, {"tool": self.tool,
                                               "arguments": self.arguments},
                                     agent="contract-call")
            assert done.run.status == "completed", done.run.error
            value = done.run.output
            self.check(json.loads(value) if isinstance(value, str) and
                       value[:1] in "[{" else value)
            ledger = await runtime.store.ledger(done.run.id)
            assert [e.tool for e in ledger.values()] == [self.tool]
            started = [e for e in done.events if e.type == EventType.TOOL_STARTED]
            assert started[0].payload.get("server") == "contract_server"
            stopped = await run_request(runtime, {"tool": self.tool,
                                                  "arguments": self.bad_arguments},
                                        agent="contract-call")
        assert EventType.STEP_BLOCKED in stopped.types, stopped.types
        assert EventType.TOOL_STARTED not in stopped.types
