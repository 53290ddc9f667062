"""What a new user meets first: finding the workspace, `-w` anywhere, validate importing the
code, JSON input, the seed's `run --tool`, and messages said once and in good English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stable_harness.cli.app import build_app
from stable_harness.cli.workspace_arg import hoist_workspace
from typer.testing import CliRunner

from ..conftest import write_files

runner = CliRunner()

WS = {
    "runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: newcomer}
        spec: {defaultAgent: graph}
        """,
    "agents.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: graph}
        spec: {backend: python, entrypoint: "code:graph", tools: [echo_tool]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: asker}
        spec: {backend: python, entrypoint: "code:asker", tools: [echo_tool]}
        """,
    "tools.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: echo_tool}
        spec: {entrypoint: "code:echo_tool", tags: [read-only]}
        """,
    "code.py": """
        def echo_tool(value: str) -> str:
            return value


        async def graph(ctx):
            return {"doubled": ctx.input["x"] * 2}


        async def asker(ctx):
            decision = await ctx.request_approval({"tool": "echo_tool"}, "check")
            return "ok" if decision.approved else "no"
        """,
}


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return write_files(tmp_path / "ws", WS)


def test_the_workspace_is_found_from_a_subfolder(ws: Path, monkeypatch) -> None:
    (ws / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(ws / "deep" / "er")
    code, out, err = cli("validate")
    assert code == 0, err
    assert out.strip().startswith("workspace ws is valid")  # was: `workspace  is valid`


def test_no_workspace_says_so_and_how_to_make_one(tmp_path: Path, monkeypatch) -> None:
    # was: every YAML file below the current folder was read (849 errors from virtualenvs)
    write_files(tmp_path / "project" / ".venv", {"pyvenv.cfg": "home = /usr\n",
                                                 "lib/x.yaml": "kind: [broken"})
    monkeypatch.chdir(tmp_path / "project")
    code, _, err = cli("validate")
    assert code == 1
    assert "no workspace here" in err
    assert "stable-harness init DIR" in err
    assert "broken" not in err


def test_virtualenvs_and_node_modules_are_not_read(ws: Path) -> None:
    write_files(ws, {"venv/pyvenv.cfg": "home = /usr\n", "venv/lib/bad.yaml": "kind: [x",
                     "node_modules/pkg/bad.yml": "kind: [x"})
    code, _, err = cli("-w", str(ws), "validate")
    assert code == 0, err


def test_the_workspace_option_goes_after_the_command_too(ws: Path) -> None:
    code, out, err = cli("validate", "-w", str(ws), "--json")
    assert code == 0, err
    assert json.loads(out)["workspace"] == str(ws.resolve())
    assert hoist_workspace(["run", "hi", "--workspace=x"]) == ["--workspace=x", "run", "hi"]
    assert hoist_workspace(["run", "--", "-w", "x"]) == ["run", "--", "-w", "x"]


@pytest.mark.parametrize(("code_py", "expected"), [
    ("def echo_tool(value:\n", "SyntaxError"),
    ("import no_such_module_here\n", "No module named 'no_such_module_here'"),
    ("x = 1\nraise RuntimeError('at import')\n", "RuntimeError: at import (code.py:2)"),
    ("x = 1\n", "has no attribute"),
])
def test_validate_imports_entrypoints(ws: Path, code_py: str, expected: str) -> None:
    # was: "valid" although `run` failed later
    (ws / "code.py").write_text(code_py)
    code, _, err = cli("-w", str(ws), "validate")
    assert code == 1
    assert expected in err
    assert "tools.yaml:4 Tool/echo_tool spec.entrypoint" in err
    assert cli("-w", str(ws), "validate", "--no-import")[0] == 0


def test_run_takes_json_input(ws: Path) -> None:
    # was: `{"x": 1}` arrived as text and the graph failed with KeyError: 'x'
    code, out, err = cli("-w", str(ws), "run", "--input-json", '{"x": 21}', "--json")
    assert code == 0, out + err
    assert json.loads(out.splitlines()[-1])["payload"]["output"] == {"doubled": 42}
    code, _, err = cli("-w", str(ws), "run", "text", "--input-json", "{}")
    assert code == 1
    assert "give the input once" in err
    code, _, err = cli("-w", str(ws), "run", "--input-json", "{x}")
    assert code == 1
    assert "--input-json: not valid JSON" in err


def test_the_seed_run_tool_line_goes_through_the_gateway(ws: Path) -> None:
    code, out, err = cli("-w", str(ws), "run", "--agent", "graph", "--tool", "echoTool",
                         "--tool-args-json", '{"value":"hello"}', "--json")
    assert code == 0, out + err
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["type"] for e in events if e["type"].startswith("harness.tool.")] == [
        "harness.tool.repaired", "harness.tool.started", "harness.tool.completed"]
    assert events[-1]["payload"]["output"] == "hello"


def test_messages_say_it_once(ws: Path) -> None:
    code, _, err = cli("-w", str(ws), "run", "-a", "nobody", "hi")
    assert code == 1
    # was: "(available: asker, graph); known: 'asker', 'graph'"
    assert err.count("asker") == 1, err
    code, out, err = cli("-w", str(ws), "run", "-a", "asker", "go")
    assert code == 3, out + err
    code, out, _ = cli("-w", str(ws), "inspect", "approvals")
    assert "1 approval" in out
    assert "1 approvals" not in out
    code, out, _ = cli("-w", str(ws), "inspect", "approvals", "--json")
    [approval] = json.loads(out)
    code, out, err = cli("-w", str(ws), "approve", approval["approvalId"], "-d", "reject")
    assert code == 0, out + err
    total = int(out.rsplit(", ", 1)[1].split(" events")[0])
    assert total > len([line for line in out.splitlines() if line[:4].strip().isdigit()])
    code, _, err = cli("-w", str(ws), "approve", approval["approvalId"], "-d", "approve")
    assert code == 1
    assert "is already rejected" in err


def test_a_missing_variable_is_reported_once(ws: Path) -> None:
    (ws / "runtime.yaml").write_text((ws / "runtime.yaml").read_text().replace(
        "spec: {defaultAgent: graph}",
        "spec: {defaultAgent: graph, runs: {timeoutSeconds: '${env:NOPE_NOT_SET}'}}"))
    code, _, err = cli("-w", str(ws), "validate")
    assert code == 1
    assert "NOPE_NOT_SET is not set" in err
    assert "valid number" not in err
    assert "1 error" in err


def test_the_seed_langgraph_protocol_block_validates_or_says_what_to_install(ws: Path
                                                                            ) -> None:
    import importlib.util

    (ws / "runtime.yaml").write_text((ws / "runtime.yaml").read_text().replace(
        "spec: {defaultAgent: graph}", """spec:
  defaultAgent: graph
  protocols:
    langgraph: {enabled: true, host: 127.0.0.1, port: 2024, exposeAgents: [graph],
                env: {A: b}, envFile: .env.lg}"""))
    code, _, err = cli("-w", str(ws), "validate")
    if importlib.util.find_spec("stable_harness_langgraph_api") is not None:
        # was: "provided by stable-harness-langgraph-api (plugin 'langgraph-api'), which is
        # not enabled": the key names the surface, whose plugin is not called `langgraph`
        assert code == 0, err
    else:
        assert code == 1
        assert "protocol surface 'langgraph' is provided by stable-harness-langgraph-api" in err
        if importlib.util.find_spec("stable_harness_langgraph") is not None:
            assert "stable-harness-langgraph is installed but provides only the backend" in err
    (ws / "runtime.yaml").write_text((ws / "runtime.yaml").read_text().replace(
        "exposeAgents: [graph]", "exposeAgents: [grahp]"))
    code, _, err = cli("-w", str(ws), "validate")
    assert "spec.protocols.langgraph.exposeAgents[0]: unknown Agent 'grahp'" in err


def test_a_first_party_name_points_at_its_package_and_folder() -> None:
    from stable_harness.plugins.catalogue import install_hint
    from stable_harness.records import Slot

    hint = install_hint(Slot.SURFACE, "openaiCompatible")
    assert "pip install stable-harness-http" in hint
    assert "pip install ./plugins/http" in hint
