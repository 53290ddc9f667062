"""The `{{ cookiecutter.plugin_name }}` policy: refuses calls with an over-long text argument.

A policy judges every tool call the runtime is about to make (``judge``); the runtime combines
every enabled policy's findings (deny wins over approval over allow) and keeps each reason.
This is where your rule plugs in; return no finding for calls it does not object to.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import Field
from stable_harness.builtin.config import PluginConfig
from stable_harness.gateway.policy import PolicyCall, PolicyDecision, Verdict

NAME = "{{ cookiecutter.plugin_name }}"


class {{ cookiecutter.__class_prefix }}Config(PluginConfig):
    """An entry's `config` in `Runtime.spec.policies`."""

    max_length: int = Field(1000, ge=1, description="Longest text argument allowed.")
    verdict: str = Field("deny", pattern="^(deny|approval)$",
                         description="`deny`, or `approval` to ask a human instead.")


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{where}[{i}]")


class {{ cookiecutter.__class_prefix }}Policy:
    """``factory(config)``."""

    def __init__(self, config: {{ cookiecutter.__class_prefix }}Config) -> None:
        self.config = config

    def judge(self, call: PolicyCall) -> Sequence[PolicyDecision]:
        verdict = Verdict.DENY if self.config.verdict == "deny" else Verdict.APPROVAL
        return [PolicyDecision(verdict, NAME, f"{len(text)} characters (at most "
                                              f"{self.config.max_length})", where)
                for where, text in _texts(call.arguments, "$")
                if len(text) > self.config.max_length]
