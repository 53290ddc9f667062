"""MCP servers we did not write, as tool sources: every call through the gateway, the
policies and the ledger; progress, cancellation, results, crashes and shutdown."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
from stable_harness.runs import RunStatus
from stable_harness.runtime import Runtime

TIME = {"transport": "stdio", "command": "", "args": ["--local-timezone", "UTC"],
        "prefix": "time_"}


def time_spec(kit, **extra: object) -> dict[str, object]:
    return {**TIME, "command": kit.time_server(), **extra}


def everything(kit, **extra: object) -> dict[str, object]:
    return {"transport": "stdio", "command": kit.node_server("mcp-server-everything"),
            "args": ["stdio"], **extra}


async def events_of(rt: Runtime, run_id: str) -> list[dict[str, object]]:
    return [e.to_dict() async for e in rt.events(run_id, until="settled")]


def server_pid(rt: Runtime, server: str) -> int:
    connection = rt.toolbox.sources.source(server)._connection  # type: ignore[attr-defined]
    assert connection is not None
    assert connection._process is not None
    return int(connection._process.pid)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie has exited: it only waits for its parent to read the status
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


async def test_time_server_calls_are_checked_repaired_and_refused(tmp_path: Path, kit) -> None:
    ws = kit.workspace(tmp_path / "ws", {"time": time_spec(kit)})
    async with await Runtime.open(ws) as rt:
        run = await rt.run(kit.plan(
            ("time_get_current_time", {"timezone": "Europe/Paris"}),
            # near-miss JSON text (a trailing comma): one reading, repaired with a note
            ("time_get_current_time", '{"timezone": "Asia/Tokyo",}'),
            # a required value is missing: never guessed, refused before the server sees it
            ("time_convert_time", {"time": "12:00"}),
        ), agent="caller")
        assert run.status is RunStatus.COMPLETED, run.error
        paris, tokyo, refused = json.loads(run.output)
        assert paris["ok"]["timezone"] == "Europe/Paris"
        assert tokyo["ok"]["timezone"] == "Asia/Tokyo"
        assert "source_timezone" in refused["error"]
        assert "required" in refused["error"]
        events = await events_of(rt, run.id)
        started = [e["payload"] for e in events if e["type"] == "harness.tool.started"]
        assert [(p["tool"], p["source"], p["server"]) for p in started] == \
            [("time_get_current_time", "mcp", "time")] * 2  # the refused call never ran
        repaired = [e["payload"] for e in events if e["type"] == "harness.tool.repaired"]
        assert [p["tool"] for p in repaired] == ["time_get_current_time"]
        blocked = [e for e in events if e["type"] == "harness.step.blocked"]
        assert len(blocked) == 1
        ledger = await rt.store.ledger(run.id)
        assert sorted(e.tool for e in ledger.values()) == ["time_get_current_time"] * 2

        tools = {t["name"]: t for t in await rt.list_tools("caller")}
        assert set(tools) == {"time_get_current_time", "time_convert_time"}
        # readOnlyHint / idempotentHint in the server's annotations became tags
        assert set(tools["time_convert_time"]["tags"]) >= {"read-only", "idempotent"}
        assert tools["time_convert_time"]["server"] == "time"
        pid = server_pid(rt, "time")
        assert alive(pid)
    assert not alive(pid)  # the runtime's close stopped the server


async def test_yaml_tags_win_over_annotations_and_filters_apply(tmp_path: Path, kit) -> None:
    spec = time_spec(kit, tags=["mutating"], include=["get_current_time", "convert_time"],
                     exclude=["convert_time"])
    ws = kit.workspace(tmp_path / "ws", {"time": spec})
    async with await Runtime.open(ws) as rt:
        [tool] = await rt.list_tools("caller")
        assert tool["name"] == "time_get_current_time"
        assert tool["tags"] == ["mutating"]  # the YAML says how it behaves: hints ignored
        assert tool["idempotent"] is False


async def test_two_servers_offering_one_name_is_an_error_naming_both(tmp_path: Path, kit) -> None:
    ws = kit.workspace(tmp_path / "ws", {"first": time_spec(kit), "second": time_spec(kit)})
    async with await Runtime.open(ws) as rt:
        run = await rt.run(kit.plan(("time_get_current_time", {"timezone": "UTC"})),
                           agent="caller")
        assert run.status is RunStatus.FAILED
        message = run.error["message"]
        assert "'first'" in message
        assert "'second'" in message
        assert "time_get_current_time" in message
        assert "prefix" in message


async def test_a_server_that_cannot_start_fails_the_run_with_what_it_said(
        tmp_path: Path, kit) -> None:
    broken = {"transport": "stdio", "command": sys.executable,
              "args": ["-c", "import sys; sys.stderr.write('boom: no config file\\n'); "
                             "sys.exit(3)"]}
    ws = kit.workspace(tmp_path / "ws", {"broken": broken})
    async with await Runtime.open(ws) as rt:
        run = await asyncio.wait_for(
            rt.run(kit.plan(("anything", {})), agent="caller"), timeout=60)
        assert run.status is RunStatus.FAILED
        message = run.error["message"]
        assert "MCP server 'broken'" in message
        assert "could not start" in message
        assert "exit code 3" in message
        assert "boom: no config file" in message


async def test_progress_reaches_the_event_stream(tmp_path: Path, kit) -> None:
    ws = kit.workspace(tmp_path / "ws", {"everything": everything(kit)})
    async with await Runtime.open(ws) as rt:
        run = await rt.run(kit.plan(("trigger-long-running-operation",
                                 {"duration": 0.6, "steps": 3})), agent="caller")
        assert run.status is RunStatus.COMPLETED, run.error
        events = await events_of(rt, run.id)
        progress = [e["payload"] for e in events if e["type"] == "harness.tool.progress"]
        assert [p["progress"] for p in progress] == [1, 2, 3]
        assert {p["total"] for p in progress} == {3}
        assert {p["tool"] for p in progress} == {"trigger-long-running-operation"}


async def test_cancel_stops_the_mcp_call_at_once(tmp_path: Path, kit) -> None:
    ws = kit.workspace(tmp_path / "ws", {"everything": everything(kit)})
    async with await Runtime.open(ws) as rt:
        run = await rt.start(kit.plan(("trigger-long-running-operation",
                                   {"duration": 60, "steps": 60})), agent="caller")
        async for event in rt.events(run.id):
            if event.type == "harness.tool.progress":
                break
        pid = server_pid(rt, "everything")
        await rt.cancel(run.id, reason="test")
        done = await rt.wait(run.id, timeout=10)
        assert done.status is RunStatus.CANCELLED
        [entry] = (await rt.store.ledger(run.id)).values()
        assert entry.status.value == "abandoned"
        assert alive(pid)  # the server stays up for the next run: only the call was dropped
        again = await rt.run(kit.plan(("echo", {"message": "still here"})), agent="caller")
        assert json.loads(again.output) == [{"ok": "Echo: still here"}]


async def test_a_killed_server_fails_the_call_and_restarts_for_the_next(
        tmp_path: Path, kit) -> None:
    ws = kit.workspace(tmp_path / "ws", {"everything": everything(kit)})
    async with await Runtime.open(ws) as rt:
        run = await rt.start(kit.plan(
            ("trigger-long-running-operation", {"duration": 60, "steps": 60}),
            ("echo", {"message": "after the crash"})), agent="caller")
        async for event in rt.events(run.id):
            if event.type == "harness.tool.progress":
                break
        first = server_pid(rt, "everything")
        os.kill(first, 9)
        done = await rt.wait(run.id, timeout=30)
        assert done.status is RunStatus.COMPLETED, done.error
        crashed, echoed = json.loads(done.output)
        assert "MCP server 'everything'" in crashed["error"]
        assert echoed == {"ok": "Echo: after the crash"}
        assert server_pid(rt, "everything") != first


async def test_results_structured_content_images_and_errors(tmp_path: Path, kit) -> None:
    root = tmp_path / "files"
    root.mkdir()
    filesystem = {"transport": "stdio", "command": kit.node_server("mcp-server-filesystem"),
                  "args": [str(root)], "prefix": "fs_"}
    ws = kit.workspace(tmp_path / "ws", {"everything": everything(kit), "fs": filesystem})
    async with await Runtime.open(ws) as rt:
        run = await rt.run(kit.plan(
            ("get-structured-content", {"location": "New York"}),
            ("get-tiny-image", {}),
            ("fs_read_text_file", {"path": "/etc/hostname"}),  # outside its root: isError
        ), agent="caller")
        assert run.status is RunStatus.COMPLETED, run.error
        structured, image, denied = json.loads(run.output)
        assert isinstance(structured["ok"], dict)
        assert "temperature" in structured["ok"]
        [artifact] = image["ok"]["artifacts"]
        assert artifact["mediaType"] == "image/png"
        assert "stored as an artifact" in image["ok"]["result"]
        [stored] = await rt.store.list_artifacts(run.id)
        assert stored.content.startswith(b"\x89PNG")
        assert "denied" in denied["error"].lower() or "outside" in denied["error"].lower()


async def test_destructive_hint_needs_an_approval(tmp_path: Path, kit) -> None:
    root = tmp_path / "files"
    root.mkdir()
    filesystem = {"transport": "stdio", "command": kit.node_server("mcp-server-filesystem"),
                  "args": [str(root)]}
    ws = kit.workspace(tmp_path / "ws", {"fs": filesystem}, runtime={
        "policies": [{"use": "approval", "config": {"tags": ["mutating"]}}]})
    target = root / "note.txt"
    async with await Runtime.open(ws) as rt:
        run = await rt.run(kit.plan(("write_file", {"path": str(target), "content": "hi"})),
                           agent="caller")
        assert run.status is RunStatus.WAITING_APPROVAL  # destructiveHint → mutating
        assert not target.exists()
        [approval] = await rt.list_approvals(run_id=run.id, status="pending")
        assert approval.action["tool"] == "write_file"
        await rt.resolve_approval(approval.id, "approve")
        done = await rt.wait(run.id, timeout=30)
        assert done.status is RunStatus.COMPLETED, done.error
        assert target.read_text() == "hi"


async def test_secrets_reach_the_server_and_never_the_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kit) -> None:
    monkeypatch.setenv("MCP_TEST_TOKEN", "s3cr3t-value-123")
    ws = kit.workspace(tmp_path / "ws", {"everything": everything(kit,
        env={"UPSTREAM_TOKEN": "${secret:MCP_TEST_TOKEN}"})})
    async with await Runtime.open(ws) as rt:
        run = await rt.run(kit.plan(("get-env", {})), agent="caller")
        assert run.status is RunStatus.COMPLETED, run.error
        exported = json.dumps(await rt.export_run(run.id))
        assert "UPSTREAM_TOKEN" in exported  # the server saw the variable…
        assert "s3cr3t-value-123" not in exported  # …whose value is never stored
        assert "[secret:MCP_TEST_TOKEN]" in exported


def test_validate_connect_reports_a_server_that_cannot_start(tmp_path: Path, kit) -> None:
    import subprocess

    broken = {"transport": "stdio", "command": sys.executable,
              "args": ["-c", "import sys; sys.stderr.write('missing API key\\n'); sys.exit(2)"]}
    ws = kit.workspace(tmp_path / "ws", {"time": time_spec(kit), "broken": broken})
    exe = str(Path(sys.executable).with_name("stable-harness"))
    plain = subprocess.run([exe, "-w", str(ws), "validate"], capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr  # without --connect nothing is started
    result = subprocess.run([exe, "-w", str(ws), "validate", "--connect", "--json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    [error] = json.loads(result.stdout)["errors"]
    assert error["code"] == "connect-failed"
    assert error["subject"] == "McpServer/broken"
    assert "exit code 2" in error["message"]
    assert "missing API key" in error["message"]
    assert "missing API key" not in result.stderr  # the server's stderr is ours to report
