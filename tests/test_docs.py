"""Docs match the code: every hook documented with its signature, the field reference current,
the README's quick start exactly two commands with CI calling the test one."""

from __future__ import annotations

import re
from pathlib import Path

from stable_harness.plugins import make_plugin_manager
from stable_harness.workspace import reference

ROOT = Path(__file__).resolve().parents[1]


def test_every_hook_is_documented_with_its_signature() -> None:
    docs = (ROOT / "docs/plugins.md").read_text()
    pm = make_plugin_manager()
    hooks = [name for name in dir(pm.hook) if name.startswith("stable_harness_")]
    assert len(hooks) >= 10
    for name in hooks:
        spec = getattr(pm.hook, name).spec
        signature = f"{name}({', '.join(spec.argnames)})"
        assert f"### `{signature}`" in docs, f"docs/plugins.md lacks a heading for {signature}"


def test_every_hookspec_has_a_full_docstring() -> None:
    pm = make_plugin_manager()
    for name in dir(pm.hook):
        if not name.startswith("stable_harness_"):
            continue
        doc = getattr(pm.hook, name).spec.function.__doc__ or ""
        for part in (":return:", "Implemented by:", "Example::"):
            assert part in doc, f"{name} docstring lacks {part!r}"


def test_workspace_field_reference_is_current() -> None:
    text = (ROOT / "docs/workspace.md").read_text()
    assert reference.splice(text) == text, (
        "docs/workspace.md is stale: python -m stable_harness.workspace.reference "
        "docs/workspace.md")


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_readme_quick_start_has_exactly_two_commands() -> None:
    commands = _quick_start()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    ci = (ROOT / ".ci/run").read_text()
    assert commands[1] in ci, ".ci/run must call the README's test command"


def test_event_catalogue_in_docs_is_current() -> None:
    from stable_harness.runs.events import catalogue_markdown

    text = (ROOT / "docs/events.md").read_text(encoding="utf-8")
    block = text.split("<!-- BEGIN catalogue -->\n", 1)[1].split("<!-- END catalogue -->", 1)[0]
    assert block.strip() == catalogue_markdown().strip(), \
        "regenerate the table with stable_harness.runs.events.catalogue_markdown()"


def test_runtime_sdk_example_runs(tmp_path: Path) -> None:
    import contextlib
    import io
    import os
    import re
    import subprocess
    import sys

    text = (ROOT / "docs/runtime.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", text, re.S)
    assert example is not None
    subprocess.run([sys.executable, "-m", "stable_harness", "init", "demo"], cwd=tmp_path,
                   check=True, capture_output=True)
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(example.group(1), "docs/runtime.md", "exec"), {"__name__": "example"})
    finally:
        os.chdir(cwd)
    lines = out.getvalue().splitlines()
    assert lines[0] == "completed echo_tool said: hello"
    assert lines[-1] == "completed"
    assert "1 harness.run.queued" in lines
