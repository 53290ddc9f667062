"""Policies: fs-roots (a path-traversal corpus), tool-allowlist, approval; deny wins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from stable_harness.builtin.fs_roots import FsRootsPolicy
from stable_harness.builtin.policy_config import (
    ApprovalConfig,
    FsRootsConfig,
    ToolAllowlistConfig,
)
from stable_harness.builtin.simple_policies import ApprovalPolicy, ToolAllowlistPolicy
from stable_harness.gateway.policy import PolicyCall, Verdict, govern
from stable_harness.runs.events import EventType
from stable_harness.runtime import Runtime
from stable_harness.testing.workspace import write_files


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/allowed (read-write), root/readonly, root/allowed_evil, symlinks in and out."""
    for d in ("allowed/sub", "readonly", "allowed_evil", "outside"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "allowed/a.txt").write_text("a")
    (tmp_path / "outside/secret.txt").write_text("s")
    os.symlink(tmp_path / "outside", tmp_path / "allowed/escape")
    os.symlink(tmp_path / "outside/new.txt", tmp_path / "allowed/dangling")
    os.symlink(tmp_path / "allowed/sub", tmp_path / "allowed/inner")
    return tmp_path


def judge(tree: Path, path: str, *, tags=("filesystem",), arg="path"):
    policy = FsRootsPolicy(FsRootsConfig.model_validate({"roots": [
        {"path": "allowed", "mode": "write"}, {"path": "readonly", "mode": "read"}]}))
    return policy.judge(PolicyCall("a", "t", {arg: path}, frozenset(tags), {}, tree))


@pytest.mark.parametrize("path", [
    "allowed/a.txt", "allowed/sub/new.txt", "allowed/inner/x.txt", "readonly/x",
    "allowed/./sub/../a.txt",
])
def test_paths_inside_the_roots_pass(tree, path) -> None:
    assert judge(tree, path) == []


@pytest.mark.parametrize("path", [
    "../etc/passwd", "allowed/../outside/secret.txt", "/etc/passwd", "allowed_evil/x",
    "allowed/escape/secret.txt", "allowed/escape/new.txt", "allowed/dangling",
    "~/x", "allowed/sub/../../outside",
])
def test_paths_escaping_the_roots_are_denied(tree, path) -> None:
    [decision] = judge(tree, path)
    assert decision.verdict is Verdict.DENY
    assert decision.path == "$.path"
    assert "outside the allowed folders" in decision.reason


@pytest.mark.parametrize(("arguments", "parameters", "where"), [
    ({"paths": ["allowed/a.txt", "/etc/passwd"]}, {}, "$.paths[1]"),
    ({"files": [["allowed/a.txt"], ["../outside/secret.txt"]]}, {}, "$.files[1][0]"),
    ({"sourcePath": "/etc/passwd"}, {}, "$.sourcePath"),
    ({"inputs": ["/etc/passwd"]},
     {"properties": {"inputs": {"type": "array", "items": {"format": "path"}}}}, "$.inputs[0]"),
    ({"job": {"output_dir": "/etc"}}, {}, "$.job.output_dir"),
])
def test_every_path_under_an_argument_is_checked(tree, arguments, parameters, where) -> None:
    policy = FsRootsPolicy(FsRootsConfig.model_validate({"roots": [{"path": "allowed"}]}))
    [decision] = policy.judge(PolicyCall("a", "t", arguments, frozenset({"filesystem"}),
                                         parameters, tree))
    assert (decision.verdict, decision.path) == (Verdict.DENY, where)


def test_a_path_with_a_nul_byte_is_denied_with_diagnostics(tree) -> None:
    # was: the policy passed it and the run failed later with "embedded null byte"
    [decision] = judge(tree, "allowed/a.txt\x00/../../etc/passwd")
    assert decision.verdict is Verdict.DENY
    assert "NUL byte" in decision.reason


def test_absolute_path_inside_a_root_passes(tree) -> None:
    assert judge(tree, str(tree / "allowed/a.txt")) == []


def test_read_only_root_refuses_a_mutating_tool(tree) -> None:
    [decision] = judge(tree, "readonly/x", tags=("filesystem", "mutating"))
    assert "read-only" in decision.reason
    assert judge(tree, "allowed/x", tags=("filesystem", "mutating")) == []


def test_only_filesystem_tools_and_path_arguments_are_checked(tree) -> None:
    assert judge(tree, "/etc/passwd", tags=()) == []
    assert judge(tree, "/etc/passwd", arg="query") == []


def test_deny_wins_and_every_reason_is_kept(tree) -> None:
    call = PolicyCall("bot", "rm", {"path": "/etc"}, frozenset({"filesystem", "mutating"}), {},
                      tree)
    policies = [
        ("approval", ApprovalPolicy(ApprovalConfig(tags=["mutating"]))),
        ("fs-roots", FsRootsPolicy(FsRootsConfig.model_validate(
            {"roots": [{"path": "allowed"}]}))),
        ("tool-allowlist", ToolAllowlistPolicy(ToolAllowlistConfig(agents={"bot": ["ls"]}))),
    ]
    outcome = govern(policies, call)
    assert outcome.verdict is Verdict.DENY
    assert [d.policy for d in outcome.decisions] == ["approval", "fs-roots", "tool-allowlist"]
    assert len(outcome.reasons(Verdict.DENY)) == 2


WS = {
    "ws.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: pol}
        spec:
          policies:
            - {use: fs-roots, config: {roots: [{path: work, mode: write}]}}
            - {use: approval, config: {tags: [mutating]}}
            - {use: tool-allowlist, config: {agents: {limited: [read_file]}}}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: read_file}
        spec: {entrypoint: "pol_mod:read_file", tags: [filesystem, read-only]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Tool
        metadata: {name: write_file}
        spec: {entrypoint: "pol_mod:write_file", tags: [filesystem, mutating]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: writer}
        spec: {backend: python, entrypoint: "pol_mod:writer", tools: [read_file, write_file]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: snoop}
        spec: {backend: python, entrypoint: "pol_mod:snoop", tools: [read_file]}
        ---
        apiVersion: stable-harness.dev/v1
        kind: Agent
        metadata: {name: limited}
        spec: {backend: python, entrypoint: "pol_mod:writer", tools: [read_file, write_file]}
        """,
    "pol_mod.py": """
        from pathlib import Path

        from stable_harness.runtime.tools import ToolRefusedError


        def read_file(path: str) -> str:
            return Path(path).read_text()


        def write_file(path: str, text: str) -> str:
            Path(path).write_text(text)
            return "ok"


        async def writer(ctx):
            try:
                return await ctx.call_tool("write_file", {"path": "work/out.txt", "text": "hi"})
            except ToolRefusedError as exc:
                return exc.refusal.code


        async def snoop(ctx):
            try:
                return await ctx.call_tool("read_file", {"path": "../secret.txt"})
            except ToolRefusedError as exc:
                return exc.refusal.message
        """,
}


@pytest.fixture
async def rt(tmp_path: Path, monkeypatch):
    root = tmp_path / "ws"
    (root / "work").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("s3cret")
    write_files(root, WS)
    monkeypatch.chdir(root)  # the tools open paths relative to the workspace
    runtime = await Runtime.open(root)
    yield runtime
    await runtime.close()


async def test_a_denied_path_is_refused_with_the_policy_reason(rt) -> None:
    run = await rt.run("x", agent="snoop", timeout=30)
    assert run.status == "completed", run.error
    assert "fs-roots" in run.output
    assert "outside the allowed folders" in run.output
    assert "s3cret" not in str(run.output)
    events = await rt.store.read_events(run.id)
    [blocked] = [e for e in events if e.type == EventType.STEP_BLOCKED]
    assert blocked.payload["reason"] == "denied"
    assert blocked.payload["diagnostics"]["problems"][0]["path"] == "$.path"


@pytest.mark.parametrize(("decision", "written", "output"), [
    ("approve", True, "ok"), ("reject", False, "rejected")])
async def test_approval_policy_waits_for_a_decision(rt, decision, written, output) -> None:
    run = await rt.run("x", agent="writer", timeout=30)
    assert run.status == "waiting_approval"
    [approval] = await rt.list_approvals(run_id=run.id)
    assert approval.reason == "policy"
    assert approval.action["tool"] == "write_file"
    assert approval.action["reasons"] == ["approval: tools tagged mutating need approval"]
    assert not (rt.workspace.root / "work/out.txt").exists()
    await rt.resolve_approval(approval.id, decision)
    done = await rt.wait(run.id, timeout=30)
    assert done.output == output
    assert (rt.workspace.root / "work/out.txt").exists() is written


async def test_an_edit_cannot_get_past_a_deny(rt) -> None:
    run = await rt.run("x", agent="writer", timeout=30)
    [approval] = await rt.list_approvals(run_id=run.id)
    await rt.resolve_approval(approval.id, "edit", arguments={"path": "/etc/x", "text": "y"})
    done = await rt.wait(run.id, timeout=30)
    assert done.output == "denied"


async def test_the_allowlist_denies_a_tool_for_one_agent(rt) -> None:
    run = await rt.run("x", agent="limited", timeout=30)
    assert run.output == "denied"


@pytest.mark.parametrize(("command", "denied"), [
    ("ls -la work", False), (["git", "status"], False), ("/usr/bin/ls", False),
    ("rm -rf /", True), ("ls; rm -rf /", True), ("ls && curl x", True), ("echo $(id)", True),
    ("ls `id`", True), ("", True), (["python", "-c", "x"], True), (42, True),
    ("ls 'unclosed", True),
])
def test_command_allowlist(command, denied) -> None:
    from stable_harness.builtin.policy_config import CommandAllowlistConfig
    from stable_harness.builtin.simple_policies import CommandAllowlistPolicy

    policy = CommandAllowlistPolicy(CommandAllowlistConfig(commands=["ls", "git"]))
    found = policy.judge(PolicyCall("a", "sh", {"command": command}, frozenset(), {},
                                    Path(".")))
    assert bool(found) is denied
    if denied:
        assert found[0].path == "$.command"


async def test_a_policy_scoped_to_tools_judges_only_them(tmp_path: Path) -> None:
    from stable_harness.gateway.policy import ScopedPolicy

    inner = ApprovalPolicy(ApprovalConfig(tools=["a", "b"]))
    scoped = ScopedPolicy(inner, frozenset({"a"}))
    call = PolicyCall("x", "b", {}, frozenset(), {}, tmp_path)
    assert scoped.judge(call) == ()
    assert scoped.judge(PolicyCall("x", "a", {}, frozenset(), {}, tmp_path))
