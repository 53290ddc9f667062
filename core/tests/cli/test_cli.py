"""The CLI: init, validate, plugins list, schema, --version, and what start-up imports."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from stable_harness.cli.app import build_app
from typer.testing import CliRunner

from ..conftest import write_files

runner = CliRunner()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_init_then_validate(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    code, out, _ = cli("init", str(target))
    assert code == 0, out
    assert {p.name for p in target.iterdir()} >= {"runtime.yaml", "agents.yaml", "models.yaml",
                                                   "tools.yaml", "tools.py"}
    code, out, err = cli("-w", str(target), "validate")
    if importlib.util.find_spec("stable_harness_deepagents") is not None:
        assert code == 0, err
        assert out.strip() == "workspace demo is valid: 1 Runtime, 2 Agent, 2 Model, 1 Tool"
    else:  # the core alone: the scaffold's DeepAgents agent names the package to install
        assert code == 1
        assert "pip install stable-harness-deepagents" in err


def test_init_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = cli("init", str(tmp_path))
    assert code == 1
    assert "is not empty; use --force" in err
    assert not (tmp_path / "agents.yaml").exists()
    code, _, _ = cli("init", str(tmp_path), "--force")
    assert code == 0
    assert (tmp_path / "agents.yaml").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_validate_reports_every_error(scaffold: Path) -> None:
    write_files(scaffold, {"extra.yaml": "kind: Agnet\n", "more.yaml": "a: [\n"})
    code, _, err = cli("-w", str(scaffold), "validate")
    assert code == 1
    assert "extra.yaml:1 Agnet kind: unknown kind 'Agnet'; did you mean 'Agent'?" in err
    assert "more.yaml:" in err
    assert "3 errors" in err  # extra.yaml also lacks apiVersion
    assert "Traceback" not in err


def test_validate_json(scaffold: Path) -> None:
    write_files(scaffold, {"extra.yaml": "kind: Agnet\n"})
    code, out, _ = cli("-w", str(scaffold), "validate", "--json")
    assert code == 1
    errors = json.loads(out)["errors"]
    assert {e["code"] for e in errors} == {"missing-field", "unknown-kind"}
    assert all(e["file"] == "extra.yaml" and e["line"] == 1 for e in errors)


def test_validate_json_ok(scaffold: Path) -> None:
    code, out, _ = cli("-w", str(scaffold), "validate", "--json")
    assert code == 0
    assert json.loads(out)["documents"] == {"Runtime": 1, "Agent": 1, "Model": 1, "Tool": 1}


def test_validate_missing_folder(tmp_path: Path) -> None:
    code, _, err = cli("-w", str(tmp_path / "nope"), "validate")
    assert code == 1
    assert "is not a directory" in err


def test_plugins_list_json(scaffold: Path) -> None:
    code, out, _ = cli("-w", str(scaffold), "plugins", "list", "--json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)["plugins"]}
    assert set(rows) >= {"console", "jsonl", "python", "sqlite", "scripted"}
    assert rows["sqlite"] == {
        "name": "sqlite", "slots": ["memory store:sqlite", "run store:sqlite"],
        "distribution": "stable-harness-core",
        "version": rows["sqlite"]["version"], "builtin": True, "status": "loaded",
        "selected": True, "reason": "",
    }
    assert rows["console"]["selected"] is False


def test_plugins_list_shows_disabled(scaffold: Path) -> None:
    write_files(scaffold, {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec:
          plugins: {disable: [jsonl]}
        """})
    code, out, _ = cli("-w", str(scaffold), "plugins", "list")
    assert code == 0
    assert "disabled" in out


def test_schema_types_plugin_config() -> None:
    code, out, _ = cli("schema")
    assert code == 0
    schema = json.loads(out)
    store = schema["$defs"]["RunStoreRef"]
    assert store["properties"]["use"]["examples"] == ["sqlite"]
    [branch] = store["allOf"]
    assert branch["if"]["properties"]["use"] == {"const": "sqlite"}
    config = branch["then"]["properties"]["config"]
    assert config["properties"]["synchronous"]["enum"] == ["NORMAL", "FULL"]
    assert len(schema["oneOf"]) == 9  # one per kind


def test_schema_validates_the_scaffold(scaffold: Path, tmp_path: Path) -> None:
    import jsonschema
    import yaml

    _code, out, _ = cli("schema")
    schema = json.loads(out)
    for path in scaffold.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    bad = {"apiVersion": "stable-harness.dev/v1", "kind": "Runtime", "metadata": {"name": "a"},
           "spec": {"store": {"use": "sqlite", "config": {"synchronous": "OFF"}}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_version() -> None:
    code, out, _ = cli("--version")
    assert code == 0
    assert out.startswith("stable-harness ")


def test_unknown_option_is_a_clean_usage_error() -> None:
    code, _, err = cli("validate", "--nope")
    assert code == 2
    assert "No such option" in err


HEAVY = ("langgraph", "langchain", "langchain_core", "fastapi", "uvicorn", "deepagents",
         "openai", "anthropic", "demo_impl")
PROBE = """
import json, sys
from stable_harness.cli.app import build_app
try:
    build_app()(sys.argv[1:], prog_name="stable-harness")
except SystemExit:
    pass
print("\\n@@" + json.dumps(sorted(sys.modules)))
"""


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--help"], ["validate"], ["plugins", "list"],
                                  ["cancel", "run_nope"], ["inspect", "runs"]])
def test_inspecting_commands_import_no_backend(scaffold: Path, make_dist, args) -> None:
    """With a backend plugin installed and selected, its implementation is never imported."""
    site = make_dist("stable-harness-demo", {"demo": "demo_plugin"}, {"demo_plugin.py": '''
from stable_harness.hookspecs import hookimpl
from stable_harness.records import BackendRecord

@hookimpl
def stable_harness_register_backends():
    return [BackendRecord(name="demo", factory="demo_impl:Adapter", summary="demo")]
''', "demo_impl.py": "import json\n"})
    write_files(scaffold, {"agents.yaml": (scaffold / "agents.yaml").read_text().replace(
        "backend: python\n  entrypoint: agents:orchestra      # agents.py in this folder\n",
        "backend: demo\n")})
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-c", PROBE, "-w", str(scaffold), *args],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    modules = json.loads(proc.stdout.rsplit("@@", 1)[1])
    if args[0] == "cancel":  # the store alone: no workspace models
        assert "no run 'run_nope'" in proc.stderr
        assert "stable_harness.workspace.kinds" not in modules
    if args != ["--help"]:
        assert "demo_plugin" in modules  # the plugin was really loaded…
    assert not [m for m in modules if m.split(".")[0] in HEAVY]  # …its backend was not
    # no command here checks a tool call: the schema validator is not imported (was: always)
    assert "jsonschema" not in modules
    if args == ["--help"]:
        assert "pydantic" not in modules, "--help must stay light (see docs/benchmarks.md)"


def test_importing_the_runtime_loads_no_workspace_models_plugins_or_yaml() -> None:
    """``from stable_harness import Runtime`` (and the SDK's run types) import what a run
    needs only once ``Runtime.open`` loads a workspace (see docs/benchmarks.md)."""
    probe = ("import json, sys\nfrom stable_harness import Runtime, RunRequest\n"
             "Runtime.open\nprint(json.dumps(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    modules = set(json.loads(proc.stdout))
    for heavy in ("pydantic", "yaml", "pluggy", "stevedore", "jsonschema", "langchain_core",
                  "stable_harness.workspace.kinds", "stable_harness.workspace.loader",
                  "stable_harness.plugins.manager"):
        assert heavy not in modules, heavy
