"""The policy contract suite.

A policy plugin's tests subclass :class:`PolicyContract` with ``policy = "<name>"``, the
``config`` to enable it with, a call it lets through (``allowed``) and one it objects to
(``objected``, with the ``verdict`` it must reach). Calls are ``(tool, arguments)`` of the
agent ``contract-call``; the tools are ``contract_target`` (tagged ``mutating``; arguments
``path``, ``url``, ``command``) and ``contract_other`` (tagged ``read-only``, same arguments).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest

from stable_harness.errors import WorkspaceError
from stable_harness.gateway.policy import PolicyCall, PolicyDecision, ToolPolicy, Verdict
from stable_harness.records import Slot
from stable_harness.runs.events import EventType
from stable_harness.testing.contracts.base import ContractSuite, build
from stable_harness.testing.contracts.workspaces import write_contract_workspace
from stable_harness.testing.harness import load, open_runtime, run_request

PARAMETERS = {"type": "object", "properties": {
    "path": {"type": "string"}, "url": {"type": "string"}, "command": {"type": "string"}}}
TAGS = {"contract_target": frozenset({"mutating"}), "contract_other": frozenset({"read-only"})}

Call = tuple[str, dict[str, Any]]


class PolicyContract(ContractSuite):
    """Subclass with ``policy``, ``config``, ``allowed``, ``objected``, ``verdict`` and
    ``bad_config``."""

    policy: ClassVar[str]
    config: ClassVar[dict[str, Any]] = {}
    allowed: ClassVar[Call]
    objected: ClassVar[Call]
    verdict: ClassVar[Literal["deny", "approval"]] = "deny"
    bad_config: ClassVar[dict[str, Any]]

    def judge(self, call: Call, root: Path) -> list[PolicyDecision]:
        policy: ToolPolicy = build(Slot.POLICY, self.policy, self.config)
        tool, arguments = call
        return list(policy.judge(PolicyCall("contract-call", tool, arguments, TAGS[tool],
                                            PARAMETERS, root)))

    # -- the contract -----------------------------------------------------------------------

    def test_objects_with_a_reason(self, tmp_path: Path) -> None:
        """The objected call gets the expected verdict, and every finding names this policy
        and says why (operators read these reasons in events and approvals).

        Fix: return ``PolicyDecision(verdict, policy=<your name>, reason=...)`` findings."""
        decisions = self.judge(self.objected, tmp_path)
        assert all(isinstance(d, PolicyDecision) for d in decisions), decisions
        assert max((d.verdict for d in decisions), default=Verdict.ALLOW) == \
            Verdict[self.verdict.upper()], decisions
        for decision in decisions:
            assert decision.policy == self.policy, decision
            assert decision.reason.strip(), decision

    def test_lets_the_allowed_call_through(self, tmp_path: Path) -> None:
        """The allowed call gets no objection (an empty result means "no objection").

        Fix: return no decision, or only ``ALLOW`` ones, for calls within the rules."""
        decisions = self.judge(self.allowed, tmp_path)
        assert all(d.verdict is Verdict.ALLOW for d in decisions), decisions

    def test_judging_changes_nothing(self, tmp_path: Path) -> None:
        """Judging is repeatable and leaves the arguments as they were (policies judge,
        the gateway repairs).

        Fix: do not mutate ``call.arguments``; keep no state between calls."""
        tool, arguments = self.objected
        before = copy.deepcopy(arguments)
        first = self.judge((tool, arguments), tmp_path)
        assert self.judge((tool, arguments), tmp_path) == first
        assert arguments == before

    async def test_enforced_on_a_run(self, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
        """Enabled in a workspace, the policy stops the objected call before the tool runs
        (``deny``: the step is blocked; ``approval``: the run waits for a decision), and the
        allowed call runs.

        Fix: see the two unit tests above; the runtime applies the verdict."""
        calls = tmp_path / "calls.log"
        monkeypatch.setenv("CONTRACT_CALLS", str(calls))
        root = write_contract_workspace(tmp_path / "ws", {
            "policies": [{"use": self.policy, "config": self.config}]})
        async with open_runtime(root) as runtime:
            tool, arguments = self.objected
            stopped = await run_request(runtime, {"tool": tool, "arguments": arguments},
                                        agent="contract-call")
            assert not calls.exists(), "the objected call ran"
            if self.verdict == "approval":
                assert stopped.run.status == "waiting_approval", stopped.run.error
            else:
                assert EventType.STEP_BLOCKED in stopped.types, stopped.types
            tool, arguments = self.allowed
            done = await run_request(runtime, {"tool": tool, "arguments": arguments},
                                     agent="contract-call")
            assert done.run.status == "completed", done.run.error
            assert len(calls.read_text().splitlines()) == 1

    def test_bad_config_is_a_validation_error(self, tmp_path: Path) -> None:
        """A wrong config fails workspace validation at ``spec.policies[0].config``.

        Fix: give the record a ``config_model`` with typed fields (``extra='forbid'``)."""
        root = write_contract_workspace(tmp_path / "ws", {
            "policies": [{"use": self.policy, "config": self.bad_config}]})
        with pytest.raises(WorkspaceError) as caught:
            load(root)
        paths = [d.path for d in caught.value.diagnostics]
        assert any(p.startswith("spec.policies[0].config") for p in paths), paths
