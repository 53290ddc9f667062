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
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: carrier}
        spec: {backend: python, entrypoint: "sec_mod:carrier"}
        """,
    "sec_mod.py": """
        import os


        def login(token: str) -> str:
            return "logged in with " + token + " and " + os.environ["SH_DB_PASSWORD"]


        async def carrier(ctx):
            token = os.environ["SH_API_TOKEN"]
            for char in f"a {token} b {token[:5]}":  # every split of the secret, streamed
                await ctx.output(char)
            await ctx.output(os.environ["SH_DB_PASSWORD"][:6])
            await ctx.output(os.environ["SH_DB_PASSWORD"][6:] + ".")
            await ctx.artifact(f"report-{token}.txt", f"the token is {token}")
            decision = await ctx.request_approval({"send": token}, f"may I send {token}?")
            return "decided: " + (decision.message or "")


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


def test_a_secret_in_the_cli_input_is_never_stored_or_printed(ws: Path) -> None:
    # was: `run "use $SECRET"` stored it in runs.input, run.queued, events.jsonl, the console
    runner = CliRunner()
    result = runner.invoke(build_app(), ["-w", str(ws), "run", f"use {SECRET}", "-a",
                                         "carrier", "--json"])
    assert SECRET not in result.stdout + result.stderr
    assert "[secret:SH_API_TOKEN]" in result.stdout
    assert SECRET.encode() not in persisted_bytes(ws)


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


async def test_request_data_approvals_artifacts_and_split_streams_are_redacted(ws: Path
                                                                               ) -> None:
    # each of these was stored or streamed as sent before it was fixed
    from stable_harness.runs import RunRequest

    runtime = await Runtime.open(ws)
    try:
        request = RunRequest(f"use {SECRET}", "carrier", metadata={"note": f"m {SECRET}"},
                             idempotency_key=f"key-{SECRET}")
        parked = await runtime.run(request, timeout=30)
        assert parked.status == "waiting_approval"
        again = await runtime.start(request)  # the same key still finds the run
        assert again.id == parked.id
        [approval] = await runtime.list_approvals(run_id=parked.id)
        await runtime.resolve_approval(approval.id, "approve", message=f"ok {OTHER}")
        run = await runtime.wait(parked.id, until="terminal", timeout=30)
        streamed = [e async for e in runtime.events(run.id, 0, until="terminal")]
        exported = json.dumps(await runtime.export_run(run.id))
        stored_approval = (await runtime.list_approvals(run_id=run.id))[0]
        artifacts = await runtime.store.list_artifacts(run.id)
    finally:
        await runtime.close()
    assert run.status == "completed", run.error
    assert run.input == "use [secret:SH_API_TOKEN]"
    assert run.output == "decided: ok [secret:SH_DB_PASSWORD]"
    deltas = "".join(e.payload["text"] for e in streamed if e.type == "harness.output.delta")
    assert deltas == ("a [secret:SH_API_TOKEN] b tok-9[secret:SH_DB_PASSWORD].")
    assert SECRET not in stored_approval.reason
    assert OTHER not in (stored_approval.decision.message or "")
    assert [a.name for a in artifacts] == ["report-[secret:SH_API_TOKEN].txt"]
    assert artifacts[0].content == b"the token is [secret:SH_API_TOKEN]"
    for text in (exported, json.dumps([e.to_dict() for e in streamed])):
        assert SECRET not in text
        assert OTHER not in text
    stored = persisted_bytes(ws)
    for secret in (SECRET, OTHER):
        assert secret.encode() not in stored
        assert secret[5:].encode() not in stored  # nor the rest of a split one
