"""The loader against real entry points of tiny test distributions (see ``make_dist``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from stable_harness.errors import PluginLoadError, WorkspaceError
from stable_harness.plugins import LoadPolicy, PluginHost
from stable_harness.records import Slot
from stable_harness.workspace import load_workspace

from ..conftest import write_files

DEMO = '''
from stable_harness.hookspecs import hookimpl
from stable_harness.records import BackendRecord, Support

@hookimpl
def stable_harness_register_backends():
    return [BackendRecord(
        name="demo", factory="demo_impl:Adapter", summary="demo backend",
        agent_fields=frozenset({"graph", "edges", "subagents"}),
        capabilities={"streaming": Support.NATIVE},
    )]
'''
GRAPH_AGENT = """
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: grapher}
spec:
  backend: demo
  model: default
  tools: [echo_tool]
  edges:
    - {from: START, to: tools.echo_tool}
    - {from: tools.echo_tool, to: skills.nowhere}
"""
GRAPH_OK = GRAPH_AGENT.replace("    - {from: tools.echo_tool, to: skills.nowhere}\n", "")


def _demo(make_dist, dist="stable-harness-demo", name="demo", module="demo_plugin", body=DEMO):
    return make_dist(dist, {name: module}, {f"{module}.py": body})


def test_referenced_plugin_is_loaded_and_validates(scaffold: Path, make_dist) -> None:
    _demo(make_dist)
    write_files(scaffold, {"grapher.yaml": GRAPH_OK})
    workspace = load_workspace(scaffold, environ={})
    entry = workspace.plugins.registry(Slot.BACKEND).get("demo")
    assert entry.plugin.distribution == "stable-harness-demo"
    assert entry.plugin.version == "1.0.0"
    assert "demo_impl" not in sys.modules  # the factory is imported only when used


def test_unreferenced_plugin_is_not_imported(scaffold: Path, make_dist) -> None:
    _demo(make_dist)
    workspace = load_workspace(scaffold, environ={})
    assert "demo_plugin" not in sys.modules
    assert workspace.plugins.report.state("demo").status == "available"


def test_edge_to_missing_inventory_is_rejected(scaffold: Path, make_dist) -> None:
    _demo(make_dist)
    write_files(scaffold, {"grapher.yaml": GRAPH_AGENT})
    with pytest.raises(WorkspaceError) as info:
        load_workspace(scaffold, environ={})
    [diag] = info.value.diagnostics
    assert (diag.code, diag.path, diag.line) == ("unknown-reference", "spec.edges[1].to", 10)


def test_selected_plugin_import_failure_is_an_error_with_the_cause(scaffold: Path,
                                                                   make_dist) -> None:
    _demo(make_dist, body="import missing_dependency_xyz\n")
    write_files(scaffold, {"grapher.yaml": GRAPH_OK})
    with pytest.raises(WorkspaceError) as info:
        load_workspace(scaffold, environ={})
    [diag] = info.value.diagnostics
    assert diag.code == "plugin-load-failed"
    assert (diag.file, diag.line, diag.path) == ("grapher.yaml", 5, "spec.backend")
    assert "No module named 'missing_dependency_xyz'" in diag.message


def test_unselected_broken_plugin_is_a_warning(scaffold: Path, make_dist) -> None:
    _demo(make_dist, body="raise RuntimeError('boom at import')\n")
    host = PluginHost.load(LoadPolicy.from_settings(load_all=True, environ={}))
    state = host.report.state("demo")
    assert state is not None
    assert state.status == "failed"
    assert "boom at import" in state.reason
    assert any("boom at import" in w for w in host.report.warnings)
    assert host.report.errors == []
    load_workspace(scaffold, environ={})  # not selected: never imported, no error


def test_strict_mode_makes_any_failure_an_error(make_dist) -> None:
    _demo(make_dist, body="raise RuntimeError('boom')\n")
    policy = LoadPolicy.from_settings(
        load_all=True, environ={"STABLE_HARNESS_STRICT_PLUGINS": "1"})
    host = PluginHost.load(policy)
    with pytest.raises(PluginLoadError, match="boom"):
        host.report.raise_for_errors()


def test_autoload_off_requires_explicit_enable(scaffold: Path, make_dist) -> None:
    _demo(make_dist)
    write_files(scaffold, {"grapher.yaml": GRAPH_OK})
    env = {"STABLE_HARNESS_DISABLE_PLUGIN_AUTOLOAD": "1"}
    with pytest.raises(WorkspaceError) as info:
        load_workspace(scaffold, environ=env)
    [diag] = info.value.diagnostics
    assert diag.code == "plugin-not-enabled"
    assert "add 'demo' to Runtime spec.plugins.enable" in diag.hint
    load_workspace(scaffold, environ={**env, "STABLE_HARNESS_PLUGINS": "demo"})


def test_yaml_block_list_never_imports(scaffold: Path, make_dist) -> None:
    _demo(make_dist)
    write_files(scaffold, {"grapher.yaml": GRAPH_OK, "runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          plugins: {disable: [demo]}
        """})
    with pytest.raises(WorkspaceError) as info:
        load_workspace(scaffold, environ={})
    assert [d.code for d in info.value.diagnostics] == ["plugin-disabled"]
    assert "demo_plugin" not in sys.modules


def test_env_block_list_disables_a_builtin() -> None:
    host = PluginHost.load(LoadPolicy.from_settings(
        environ={"STABLE_HARNESS_DISABLED_PLUGINS": "jsonl"}))
    assert host.report.state("jsonl").status == "disabled"
    assert "jsonl" not in host.registry(Slot.EVENT_SINK).names()
    assert "console" in host.registry(Slot.EVENT_SINK).names()


def test_builtins_are_listed_like_any_plugin() -> None:
    rows = {r["name"]: r for r in PluginHost.load(LoadPolicy()).statuses()}
    assert rows["console"]["distribution"] == "stable-harness-core"
    assert rows["console"]["builtin"] is True
    assert rows["python"]["slots"] == ["backend:python", "tool registry:python"]


def test_duplicate_names_name_both_distributions(scaffold: Path, make_dist) -> None:
    _demo(make_dist)
    _demo(make_dist, dist="other-dist", name="other", module="other_plugin")
    write_files(scaffold, {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          plugins: {enable: [demo, other]}
        """})
    with pytest.raises(WorkspaceError) as info:
        load_workspace(scaffold, environ={})
    [diag] = info.value.diagnostics
    assert diag.code == "plugin-conflict"
    assert "stable-harness-demo 1.0.0" in diag.message
    assert "other-dist 1.0.0" in diag.message


def test_name_provided_by_differently_named_plugin_is_explained(scaffold: Path,
                                                                make_dist) -> None:
    _demo(make_dist, dist="acme-tools", name="acme", module="acme_plugin")
    write_files(scaffold, {"grapher.yaml": GRAPH_AGENT})
    with pytest.raises(WorkspaceError) as info:
        load_workspace(scaffold, environ={})
    diag = info.value.diagnostics[0]
    assert diag.code == "plugin-not-enabled"
    assert "acme-tools 1.0.0 (plugin 'acme')" in diag.message
    assert "acme_plugin" in sys.modules  # the survey imported it to explain the error…
    assert "demo_impl" not in sys.modules  # …but nothing it provides was built


def test_misspelled_hook_fails_only_that_plugin(make_dist) -> None:
    _demo(make_dist, body=DEMO.replace("register_backends", "register_backend"))
    host = PluginHost.load(LoadPolicy.from_settings(load_all=True, environ={}))
    assert host.report.state("demo").status == "failed"
    assert "unknown hook 'stable_harness_register_backend'" in host.report.state("demo").reason
    assert host.report.state("console").status == "loaded"


def test_malformed_records_are_reported(make_dist) -> None:
    body = DEMO.replace('name="demo"', 'name="Bad Name"')
    _demo(make_dist, body=body)
    host = PluginHost.load(LoadPolicy.from_settings(load_all=True, environ={}))
    problems = host.registry(Slot.BACKEND).problems
    assert problems
    assert "'Bad Name'" in problems[0]


def test_unknown_names_survey_uninstalled_plugins_once(scaffold: Path, make_dist,
                                                       monkeypatch) -> None:
    """Explaining N unknown names must not discover and load every plugin N times."""
    _demo(make_dist, dist="acme-tools", name="acme", module="acme_plugin")
    write_files(scaffold, {"a.yaml": GRAPH_OK, "b.yaml": GRAPH_OK.replace("grapher", "grapher2")})
    loads: list[object] = []
    original = PluginHost.load.__func__

    def counting(cls, policy=None, installed=None):
        loads.append(policy)
        return original(cls, policy, installed)

    monkeypatch.setattr(PluginHost, "load", classmethod(counting))
    with pytest.raises(WorkspaceError) as info:
        load_workspace(scaffold, environ={})
    assert [d.code for d in info.value.diagnostics] == ["plugin-not-enabled"] * 2
    assert len(loads) == 2  # the workspace's own load + one survey
