"""Every built-in policy runs the policy contract suite."""

from __future__ import annotations

from stable_harness.testing.contracts import PolicyContract


class TestFsRoots(PolicyContract):
    policy = "fs-roots"
    config = {"roots": [{"path": "data", "mode": "write"}], "allTools": True}
    allowed = ("contract_target", {"path": "data/notes.txt"})
    objected = ("contract_target", {"path": "../outside.txt"})
    bad_config = {"roots": []}


class TestNetwork(PolicyContract):
    policy = "network"
    config = {"allowNetworks": ["127.0.0.0/8"], "allTools": True}
    allowed = ("contract_target", {"url": "http://127.0.0.1:9/status"})
    objected = ("contract_target", {"url": "http://169.254.169.254/latest/meta-data"})
    bad_config = {"schemes": "https"}


class TestToolAllowlist(PolicyContract):
    policy = "tool-allowlist"
    config = {"agents": {"contract-call": ["contract_other"]}}
    allowed = ("contract_other", {"path": "x"})
    objected = ("contract_target", {"path": "x"})
    bad_config = {"agents": {}}


class TestCommandAllowlist(PolicyContract):
    policy = "command-allowlist"
    config = {"commands": ["ls"]}
    allowed = ("contract_target", {"command": "ls -l"})
    objected = ("contract_target", {"command": "ls; rm -rf /"})
    bad_config = {"commands": []}


class TestApproval(PolicyContract):
    policy = "approval"
    config = {"tags": ["mutating"]}
    allowed = ("contract_other", {"path": "x"})
    objected = ("contract_target", {"path": "x"})
    verdict = "approval"
    bad_config = {"tags": "mutating"}
