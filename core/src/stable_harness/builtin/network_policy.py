"""The ``network`` policy: URL arguments must satisfy the URL rules (after DNS resolution)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from stable_harness.builtin.policy_config import NetworkConfig
from stable_harness.gateway import network
from stable_harness.gateway.policy import PolicyCall, PolicyDecision, Verdict


class NetworkPolicy:
    """Checks tools tagged ``network`` (or every tool with ``allTools``)."""

    def __init__(self, config: NetworkConfig) -> None:
        self.config = config

    def rules(self) -> network.UrlRules:
        """The rules, resolving names with the resolver in use now (tests may stub it)."""
        return network.UrlRules(self.config.schemes, self.config.hosts,
                                self.config.allow_networks, network.system_resolver)

    def judge(self, call: PolicyCall) -> Sequence[PolicyDecision]:
        if not (self.config.all_tools or "network" in call.tags):
            return []
        rules = self.rules()
        out = []
        for where, url in self._urls(call.arguments, call.parameters, "$"):
            problem = rules.problem(url)
            if problem:
                out.append(PolicyDecision(Verdict.DENY, "network", problem, where))
        return out

    def _urls(self, value: Any, schema: Any, where: str) -> Iterator[tuple[str, str]]:
        props = schema.get("properties", {}) if isinstance(schema, dict) else {}
        if isinstance(value, dict):
            for key, item in value.items():
                sub = props.get(key, {})
                named = key in self.config.url_arguments or (
                    isinstance(sub, dict) and sub.get("format") in ("uri", "url"))
                if named and isinstance(item, str):
                    yield f"{where}.{key}", item
                else:
                    yield from self._urls(item, sub, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from self._urls(item, {}, f"{where}[{i}]")
