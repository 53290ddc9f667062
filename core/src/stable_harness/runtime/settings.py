"""Per-run settings resolved from the workspace: time limit and retry policy."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stable_harness.workspace.kinds import AgentSpec, RetrySpec, RunsSpec



@dataclass(frozen=True)
class RunSettings:
    """What governs one run: request overrides agent, agent overrides the runtime default."""

    timeout_seconds: float | None
    retry: RetrySpec

    @classmethod
    def resolve(cls, runs: RunsSpec, agent: AgentSpec, request_timeout: float | None
                ) -> RunSettings:
        """Pick the most specific setting of each."""
        timeout = request_timeout or agent.timeout_seconds or runs.timeout_seconds
        return cls(timeout, agent.retry or runs.retry)


def backoff_delay(retry: RetrySpec, failed_attempts: int, rng: random.Random | None = None
                  ) -> float:
    """Exponential backoff with jitter: ``jitter`` of the delay is drawn uniformly at random."""
    base = min(retry.max_delay_seconds,
               retry.initial_delay_seconds * retry.multiplier ** max(failed_attempts - 1, 0))
    draw = (rng or random).random()
    return base * (1 - retry.jitter) + base * retry.jitter * draw


def error_types(exc: BaseException) -> list[str]:
    """Names of ``exc``'s classes (bare and qualified), for matching ``retryOn``."""
    names: list[str] = []
    for cls in type(exc).__mro__:
        if cls in (BaseException, Exception, object):
            continue
        names.append(cls.__name__)
        names.append(f"{cls.__module__}.{cls.__qualname__}")
    return names


def is_transient(types: list[str], retry: RetrySpec) -> bool:
    """Whether an error with class names ``types`` matches the policy's ``retryOn``."""
    return bool(set(types) & set(retry.retry_on))
