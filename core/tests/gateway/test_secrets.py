"""A seeded secret never reaches a persisted event, the ledger, an export, a sink or the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stable_harness.cli.app import build_app
from stable_harness.errors import WorkspaceError
from stable_harness.runtime import Runtime
from stable_harness.secrets import Redactor, resolve
from stable_harness.testing.workspace import write_files
from stable_harness.workspace import load_workspace
from typer.testing import CliRunner

SECRET = "tok-9f8e7d6c5b4a"
OTHER = "pw-0123456789"

WS = {
    "ws.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: sec}
        spec:
          secrets: [SH_API_TOKEN]
          eventSinks: [{use: jsonl, config: {path: events.jsonl}}]
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: login}
        spec:
          entrypoint: "sec_mod:login"
          description: "Log in with ${secret:SH_DB_PASSWORD}"
          tags: [read-only]
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: leaky}
        spec: {backend: python, entrypoint: "sec_mod:leaky", tools: [login]}
        """,
    "sec_mod.py": """
        import os


        def login(token: str) -> str:
            return "logged in with " + token + " and " + os.environ["SH_DB_PASSWORD"]


        async def leaky(ctx):
            token = os.environ["SH_API_TOKEN"]
            await ctx.output("using " + token + ". ")
            await ctx.event("debug", {"token": token})
            result = await ctx.call_tool("login", {"token": token})
            raise RuntimeError("failed after " + result)
        """,
}


@pytest.fixture
def ws(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SH_API_TOKEN", SECRET)
    monkeypatch.setenv("SH_DB_PASSWORD", OTHER)
    return write_files(tmp_path / "ws", WS)


def persisted_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file()
                    and (".stable-harness" in p.parts or p.name == "events.jsonl"))


async def test_secrets_are_redacted_everywhere(ws: Path) -> None:
    runtime = await Runtime.open(ws)
    try:
        run = await runtime.run("go", agent="leaky", timeout=30)
        exported = json.dumps(await runtime.export_run(run.id))
        events = [e.to_dict() for e in await runtime.store.read_events(run.id)]
    finally:
        await runtime.close()
    assert run.status == "failed"
    assert "[secret:SH_API_TOKEN]" in run.error["message"]
    assert "[secret:SH_DB_PASSWORD]" in run.error["message"]
    for text in (exported, json.dumps(events), json.dumps(run.error)):
        assert SECRET not in text
        assert OTHER not in text
    stored = persisted_bytes(ws)
    assert stored  # the database and the sink file were written
    assert SECRET.encode() not in stored
    assert OTHER.encode() not in stored


def test_the_cli_never_prints_a_secret(ws: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(build_app(), ["-w", str(ws), "run", "go", "-a", "leaky", "--json"])
    assert result.exit_code == 1
    run_id = json.loads(result.stdout.splitlines()[0])["runId"]
    shown = runner.invoke(build_app(), ["-w", str(ws), "inspect", "run", run_id]).stdout
    for text in (result.stdout, result.stderr, shown):
        assert SECRET not in text
        assert OTHER not in text
    assert "[secret:SH_API_TOKEN]" in result.stdout


def test_secret_references_stay_unresolved_until_used(ws: Path, monkeypatch) -> None:
    workspace = load_workspace(ws)
    assert workspace.tools["login"].doc.spec.description == "Log in with ${secret:SH_DB_PASSWORD}"
    assert resolve({"a": ["x ${secret:SH_DB_PASSWORD}"]}) == {"a": [f"x {OTHER}"]}
    monkeypatch.delenv("SH_DB_PASSWORD")
    with pytest.raises(WorkspaceError, match="secret SH_DB_PASSWORD is not set"):
        load_workspace(ws)


def test_short_values_are_not_treated_as_secrets() -> None:
    redactor = Redactor(["A", "B"], {"A": "abc", "B": "long-enough"})
    assert redactor.text("abc long-enough") == "abc [secret:B]"
