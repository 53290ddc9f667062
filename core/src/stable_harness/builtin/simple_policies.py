"""The ``tool-allowlist`` and ``approval`` policies."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

from stable_harness.builtin.policy_config import (
    ApprovalConfig,
    CommandAllowlistConfig,
    ToolAllowlistConfig,
)
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


SHELL_OPERATORS = set(";|&`$<>\n")


class CommandAllowlistPolicy:
    """A command argument must start an allowed program and hold no shell operators."""

    def __init__(self, config: CommandAllowlistConfig) -> None:
        self.config = config

    def judge(self, call: PolicyCall) -> Sequence[PolicyDecision]:
        out = []
        for key in self.config.command_arguments:
            if key in call.arguments:
                problem = self._problem(call.arguments[key])
                if problem:
                    out.append(PolicyDecision(Verdict.DENY, "command-allowlist", problem,
                                              f"$.{key}"))
        return out

    def _problem(self, value: Any) -> str | None:
        if isinstance(value, str):
            if SHELL_OPERATORS & set(value):
                return "shell operators are not allowed in a command"
            try:
                argv = shlex.split(value)
            except ValueError as exc:
                return f"the command cannot be parsed ({exc})"
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            argv = value
        else:
            return "a command must be a string or a list of strings"
        if not argv:
            return "the command is empty"
        program = argv[0].rsplit("/", 1)[-1]
        if program not in self.config.commands:
            return (f"'{program}' is not an allowed command (allowed: "
                    f"{', '.join(self.config.commands)})")
        return None
