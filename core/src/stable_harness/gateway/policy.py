"""Stage 6, governance: policies judge a checked call; deny wins over approval over allow.

A policy (the ``policy`` slot, ``Runtime.spec.policies[].use``) is an object with
``judge(call) -> Sequence[PolicyDecision]``; no decision means no objection. Every enabled
policy judges every call and every reason is kept, so an operator sees all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


class Verdict(IntEnum):
    """Ordered so that the strictest wins: ``max`` of the verdicts is the outcome."""

    ALLOW = 0
    APPROVAL = 1
    DENY = 2


@dataclass(frozen=True)
class PolicyCall:
    """What a policy sees: the checked call and what is known about the tool."""

    agent: str
    tool: str
    arguments: dict[str, Any]
    tags: frozenset[str]
    parameters: dict[str, Any]
    root: Path


@dataclass(frozen=True)
class PolicyDecision:
    """One policy's finding; ``path`` is the JSON path of the argument concerned, if any."""

    verdict: Verdict
    policy: str
    reason: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The event form."""
        return {"verdict": self.verdict.name.lower(), "policy": self.policy,
                "reason": self.reason, "path": self.path}


@runtime_checkable
class ToolPolicy(Protocol):
    """What a policy factory returns."""

    def judge(self, call: PolicyCall) -> Sequence[PolicyDecision]:
        """Findings about ``call`` (empty: no objection)."""
        ...


class ScopedPolicy:
    """A policy applied to some tools only (``Runtime.spec.policies[].tools``)."""

    def __init__(self, policy: ToolPolicy, tools: frozenset[str]) -> None:
        self.policy, self.tools = policy, tools

    def judge(self, call: PolicyCall) -> Sequence[PolicyDecision]:
        return self.policy.judge(call) if call.tool in self.tools else ()


@dataclass(frozen=True)
class Governance:
    """The combined outcome: the strictest verdict, and every finding behind it."""

    verdict: Verdict
    decisions: list[PolicyDecision] = field(default_factory=list)

    def reasons(self, at_least: Verdict) -> list[str]:
        """Reasons of the findings at or above ``at_least``."""
        return [f"{d.policy}: {d.reason}" for d in self.decisions if d.verdict >= at_least]


def govern(policies: Sequence[tuple[str, ToolPolicy]], call: PolicyCall) -> Governance:
    """Ask every policy; deny wins over approval over allow."""
    decisions: list[PolicyDecision] = []
    for _name, policy in policies:
        decisions.extend(policy.judge(call))
    verdict = max((d.verdict for d in decisions), default=Verdict.ALLOW)
    return Governance(verdict, decisions)
