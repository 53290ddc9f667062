"""Built-in plugins: factories resolve, sinks write, the python tool registry loads tools."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from stable_harness.builtin.config import ConsoleSinkConfig, JsonlSinkConfig
from stable_harness.builtin.console_sink import ConsoleSink
from stable_harness.builtin.jsonl_sink import JsonlSink
from stable_harness.builtin.python_tools import PythonToolRegistry
from stable_harness.errors import PluginError, StableHarnessError
from stable_harness.plugins import LoadPolicy, PluginHost
from stable_harness.records import Slot
from stable_harness.workspace import load_workspace

# Implemented by later issues: strict, so the marker fails loudly once they exist.
NOT_YET: dict[tuple[str, str], str] = {}
BUILTINS = [(slot, name) for slot in Slot
            for name in PluginHost.load(LoadPolicy()).registry(slot).names()]


@pytest.mark.parametrize(("slot", "name"), BUILTINS, ids=lambda v: str(v))
def test_builtin_factory_and_config_resolve(slot: Slot, name: str, request) -> None:
    if (str(slot), name) in NOT_YET:
        request.applymarker(pytest.mark.xfail(reason=NOT_YET[(str(slot), name)], strict=True,
                                              raises=PluginError))
    record = PluginHost.load(LoadPolicy()).registry(slot).get(name).record
    record.config_class()
    assert callable(record.load_factory())


def test_console_sink_writes_a_line() -> None:
    out = io.StringIO()
    sink = ConsoleSink(ConsoleSinkConfig(colors=False), stream=out)
    sink.handle({"type": "harness.run.started", "runId": "r1", "payload": {"agent": "a"}})
    line = out.getvalue()
    assert "harness.run.started" in line
    assert "run=r1" in line
    assert "agent=a" in line


def test_console_sink_accepts_payloads_repeating_envelope_fields() -> None:
    # regression: payload `runId` (every harness event has one) collided with the envelope's
    out = io.StringIO()
    sink = ConsoleSink(ConsoleSinkConfig(colors=False), stream=out)
    sink.handle({"type": "harness.custom", "runId": "r1", "seq": 3,
                 "payload": {"runId": "r1", "event": "x", "seq": 9, "name": "n"}})
    assert "harness.custom" in out.getvalue()
    assert "name=n" in out.getvalue()


def test_jsonl_sink_appends(tmp_path: Path) -> None:
    sink = JsonlSink(JsonlSinkConfig(path="events/out.jsonl", fsync=True), base=tmp_path)
    sink.handle({"type": "a", "n": 1})
    sink.handle({"type": "b", "n": 2})
    sink.close()
    lines = (tmp_path / "events/out.jsonl").read_text().splitlines()
    assert [json.loads(x)["type"] for x in lines] == ["a", "b"]


def test_python_registry_loads_scaffold_tool(scaffold: Path) -> None:
    workspace = load_workspace(scaffold, environ={})
    record = workspace.plugins.registry(Slot.TOOL_REGISTRY).get("python").record
    registry = record.create({})
    tool = registry.load("echo_tool", workspace.tools["echo_tool"].doc.spec, root=scaffold)
    assert tool.function(value="hi") == "hi"
    assert tool.parameters["required"] == ["value"]


def test_python_registry_derives_schema_from_hints(scaffold: Path) -> None:
    from stable_harness.builtin.config import PythonToolConfig
    from stable_harness.workspace.kinds import ToolSpec

    (scaffold / "more_tools.py").write_text(
        "from typing import Literal\n"
        "def add(a: int, b: int = 2, mode: Literal['x', 'y'] = 'x') -> int:\n"
        "    'Add.'\n    return a + b\n")
    tool = PythonToolRegistry(PythonToolConfig()).load(
        "add", ToolSpec(entrypoint="more_tools:add"), root=scaffold)
    assert tool.parameters["properties"]["a"] == {"title": "A", "type": "integer"}
    assert tool.parameters["required"] == ["a"]
    assert tool.parameters["properties"]["mode"]["enum"] == ["x", "y"]
    assert tool.description == "Add."


def test_python_registry_import_error_is_clear(scaffold: Path) -> None:
    from stable_harness.builtin.config import PythonToolConfig
    from stable_harness.workspace.kinds import ToolSpec

    with pytest.raises(StableHarnessError, match="cannot import nowhere_mod:f"):
        PythonToolRegistry(PythonToolConfig()).load(
            "f", ToolSpec(entrypoint="nowhere_mod:f"), root=scaffold)
