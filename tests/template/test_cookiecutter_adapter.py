"""The plugin template: every slot bakes into a clean project, bad answers generate nothing,
and (slow) each baked project installs with the core into a fresh virtual environment, passes
its own tests, is listed by ``stable-harness plugins list`` and validates its example."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "cookiecutter-adapter"
MODULES = {"backend": "adapter", "model-provider": "model", "tool-registry": "registry",
           "memory-store": "memory", "run-store": "store", "policy": "policy",
           "event-sink": "sink", "surface": "surface"}
COMMON = {".gitignore", "CHANGELOG.md", "LICENSE", "README.md", "pyproject.toml",
          "example/workspace.yaml", "tests/test_contract.py", "tests/test_registration.py"}


def bake(out: Path, **answers: str) -> Path:
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(out),
                             extra_context={"plugin_name": "demo-plugin", **answers}))


def files(project: Path) -> set[str]:
    return {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}


@pytest.mark.parametrize("slot", list(MODULES))
def test_a_slot_bakes_into_only_its_own_files(tmp_path, slot) -> None:
    project = bake(tmp_path, slot=slot, core_version="0.3")
    package = "src/stable_harness_demo_plugin"
    expected = COMMON | {f"{package}/__init__.py", f"{package}/plugin.py",
                         f"{package}/{MODULES[slot]}.py"}
    if slot == "backend":
        expected.add("example/example_agent.py")
    assert files(project) == expected
    for name in expected:
        text = (project / name).read_text()
        assert "{{" not in text, name
        assert "{%" not in text, name
        if name.endswith(".py"):
            compile(text, name, "exec")
    meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert meta["name"] == "stable-harness-demo-plugin"
    assert meta["dependencies"] == ["stable-harness-core>=0.3,<1"]
    assert meta["entry-points"]["stable_harness"] == {
        "demo-plugin": "stable_harness_demo_plugin.plugin"}
    example = (project / "example/workspace.yaml").read_text()
    assert "demo-plugin" in example
    assert example.strip() in (project / "README.md").read_text()


@pytest.mark.parametrize(("answers", "message"), [
    ({"plugin_name": "My_Plugin"}, "must be lowercase"),
    ({"plugin_name": "stable-harness-x"}, "leave out the 'stable-harness-' prefix"),
    ({"plugin_name": "langgraph"}, "is reserved"),
    ({"plugin_name": "2fast"}, "must be lowercase"),
    ({"core_version": "1"}, "must be X.Y"),
])
def test_bad_answers_generate_nothing(tmp_path, capfd, answers, message) -> None:
    with pytest.raises(FailedHookException):
        bake(tmp_path / "out", **answers)
    assert message in capfd.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_unknown_slot_is_refused_with_the_choices(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"choices are .*'backend'"):
        bake(tmp_path, slot="database")


# -- baked projects in fresh virtual environments ----------------------------------------------

def uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STABLE_HARNESS_", "PYTEST_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
@pytest.mark.parametrize("slot", list(MODULES))
def test_a_baked_project_installs_passes_its_tests_and_is_selectable(tmp_path, slot, capfd
                                                                    ) -> None:
    project = bake(tmp_path, slot=slot)
    # the next steps the template prints work as printed (was: `uv pip install -e '.[test]'`,
    # which cannot find stable-harness-core)
    printed = capfd.readouterr().out
    [install] = [line.strip() for line in printed.splitlines() if "uv pip install" in line]
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    steps = install.replace("uv venv", f"uv venv --quiet --python {sys.executable}") \
        .replace("uv ", " ".join(uv()) + " ")
    subprocess.run(steps, shell=True, cwd=project, env=env, check=True)
    venv = project / ".venv"
    tests = run(venv, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert " passed" in tests.stdout, tests.stdout
    assert "failed" not in tests.stdout, tests.stdout
    listed = json.loads(run(venv, "stable-harness", "plugins", "list", "--json",
                            cwd=project).stdout)
    rows = listed if isinstance(listed, list) else listed["plugins"]
    assert any(r["name"] == "demo-plugin" and r["distribution"] == "stable-harness-demo-plugin"
               for r in rows), rows
    run(venv, "stable-harness", "-w", "example", "validate", cwd=project)
    if slot == "backend":
        answer = run(venv, "stable-harness", "-w", "example", "run", "-a", "hello", "world",
                     "--json", cwd=project)
        assert "Hello, world!" in answer.stdout
