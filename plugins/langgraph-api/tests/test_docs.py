"""docs/langgraph-compatible.md matches the code: its YAML validates and plans the surface,
its Python example runs against the served scaffold agent, and its coverage table names every
route the surface serves."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from stable_harness.surfaces import plan_bindings
from stable_harness.testing.workspace import write_files
from stable_harness.workspace import load_workspace

pytestmark = pytest.mark.slow
DOC = Path(__file__).resolve().parents[3] / "docs" / "langgraph-compatible.md"


def block(name: str, lang: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"<!-- example: {name} -->\n```{lang}\n(.*?)```", text, re.S)
    assert found, name
    return found.group(1)


def test_the_runtime_example_plans_the_surface(workspace: Path) -> None:
    (workspace / "runtime.yaml").unlink()
    text = block("langgraph-runtime", "yaml").replace("orchestra]", "orchestra, one]")
    # the workspace's graphs.yaml holds the agents and the Memory `notes` the example names
    ws = load_workspace(write_files(workspace, {"runtime.yaml": text}), environ={})
    [lg] = [b for b in plan_bindings(ws) if b.name == "langgraph"]
    assert (lg.host, lg.port) == ("127.0.0.1", 2024)
    assert lg.config.expose_agents == ["assistant", "orchestra", "one"]
    assert lg.config.store == "notes"


async def test_the_python_example_runs(url: str) -> None:
    scope: dict = {}
    exec(compile(block("langgraph-python", "python"), str(DOC), "exec"), scope)
    assert await scope["main"](url) == "echo_tool said: hello"


def test_the_coverage_table_names_every_route(url: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("### Endpoints"):text.index("### Run fields")]
    documented = set()
    for cell in re.findall(r"^\| (.*?) \|", table, re.M):
        for method_paths in re.findall(r"`([A-Z/]+ [^`]+|/[^`]+)`", cell):
            for path in method_paths.split(", "):
                documented.add(path.split(" ")[-1])
    paths = httpx.get(f"{url}/openapi.json").json()["paths"]

    def named(path: str) -> bool:
        shape = re.sub(r"\{[^}]+\}", "{}", path)
        return any(re.sub(r"\{[^}]+\}", "{}", d) == shape or shape.endswith(
            re.sub(r"\{[^}]+\}", "{}", d)) for d in documented)

    missing = [p for p in paths if not named(p)]
    assert not missing, f"docs/langgraph-compatible.md does not cover {missing}"
