"""The plugin authors' fixtures, used as a plugin's tests use them."""

from __future__ import annotations

import subprocess
import sys

import pytest
from stable_harness.records import Slot
from stable_harness.testing.contracts.base import ContractOverrideError, ContractSuite

AGENT = """
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: greeter}
spec: {backend: python, entrypoint: "greeter:run"}
"""
CODE = """
async def run(ctx):
    await ctx.output("hello " + ctx.input)
"""


def test_the_plugin_is_registered_through_its_entry_point(pytestconfig) -> None:
    assert pytestconfig.pluginmanager.hasplugin("stable_harness")


def test_the_plugin_module_imports_nothing_heavy() -> None:
    code = ("import sys, stable_harness.testing.pytest_plugin\n"
            "heavy = [m for m in ('pydantic', 'stable_harness.runtime', 'langchain_core')"
            " if m in sys.modules]\n"
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


async def test_a_request_runs_on_a_workspace_from_a_dict(harness_workspace, harness_runtime,
                                                          harness_run, harness_events) -> None:
    root = harness_workspace({"agents.yaml": AGENT, "greeter.py": CODE})
    async with harness_runtime(root) as runtime:
        result = await harness_run(runtime, "ada", agent="greeter")
    assert result.run.status == "completed"
    assert result.run.output == "hello ada"
    harness_events(result.events, ["harness.run.queued", "harness.output.delta",
                                   "harness.run.completed"])
    with pytest.raises(AssertionError, match=r"expected 'harness\.run\.failed'"):
        harness_events(result.events, ["harness.run.started", "harness.run.failed"])


async def test_a_workspace_from_yaml_documents(harness_workspace, harness_runtime,
                                               harness_run) -> None:
    root = harness_workspace([{"kind": "Agent", "metadata": {"name": "greeter"},
                               "spec": {"backend": "python", "entrypoint": "greeter:run"}}])
    (root / "greeter.py").write_text(CODE)
    async with harness_runtime(root) as runtime:
        assert (await harness_run(runtime, "bob", agent="greeter")).run.output == "hello bob"


def test_a_local_plugin_loads_without_an_entry_point(harness_plugins, tmp_path,
                                                     monkeypatch) -> None:
    (tmp_path / "my_local_sink.py").write_text(
        "from stable_harness.hookspecs import hookimpl\n"
        "from stable_harness.records import EventSinkRecord\n"
        "@hookimpl\n"
        "def stable_harness_register_event_sinks():\n"
        "    return [EventSinkRecord(name='local-sink', factory=dict, summary='test')]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    host = harness_plugins(local={"local-sink": "my_local_sink"}, disable=["console"])
    sinks = host.registry(Slot.EVENT_SINK).entries
    assert "local-sink" in sinks
    assert "console" not in sinks
    assert sinks["local-sink"].plugin.distribution == "local-test-plugin"


def test_replacing_a_contract_test_needs_an_xfail_reason() -> None:
    class Suite(ContractSuite):
        __module__ = "stable_harness.testing.contracts.example"  # as if shipped in core

        def test_rule(self) -> None: ...

    assert Suite.contract_tests == {"test_rule"}

    with pytest.raises(ContractOverrideError, match="test_rule replaces a contract test"):
        class Silent(Suite):
            def test_rule(self) -> None: ...

    class Declared(Suite):
        @pytest.mark.xfail(reason="this store cannot page")
        def test_rule(self) -> None: ...

    class Added(Suite):
        def test_extra(self) -> None: ...

    assert "test_extra" not in Added.contract_tests
