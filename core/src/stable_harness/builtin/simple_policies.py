"""The ``tool-allowlist`` and ``approval`` policies."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.builtin.policy_config import ApprovalConfig, ToolAllowlistConfig
from stable_harness.gateway.policy import PolicyCall, PolicyDecision, Verdict


class ToolAllowlistPolicy:
    """Deny a tool the agent's list (or the ``*`` list) does not name."""

    def __init__(self, config: ToolAllowlistConfig) -> None:
        self.config = config

    def judge(self, call: PolicyCall) -> Sequence[PolicyDecision]:
        allowed = self.config.agents.get(call.agent, self.config.agents.get("*"))
        if allowed is None or call.tool in allowed:
            return []
        return [PolicyDecision(Verdict.DENY, "tool-allowlist",
                               f"agent '{call.agent}' may not run '{call.tool}' (allowed: "
                               f"{', '.join(allowed) or 'none'})")]


class ApprovalPolicy:
    """Ask for a decision before tools named, or tagged, in the config run."""

    def __init__(self, config: ApprovalConfig) -> None:
        self.config = config

    def judge(self, call: PolicyCall) -> Sequence[PolicyDecision]:
        if call.tool in self.config.tools:
            return [PolicyDecision(Verdict.APPROVAL, "approval",
                                   f"'{call.tool}' needs approval")]
        tags = sorted(call.tags & set(self.config.tags))
        if tags:
            return [PolicyDecision(Verdict.APPROVAL, "approval",
                                   f"tools tagged {', '.join(tags)} need approval")]
        return []
