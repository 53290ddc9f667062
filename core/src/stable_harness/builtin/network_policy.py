"""The ``network`` policy: URL arguments must satisfy the URL rules (after DNS resolution)."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.builtin.policy_config import NetworkConfig
from stable_harness.gateway import network
from stable_harness.gateway.arguments import guarded_strings
from stable_harness.gateway.policy import PolicyCall, PolicyDecision, Verdict

URL_FORMATS = ("uri", "url", "iri", "uri-reference", "iri-reference")


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
        for where, url in guarded_strings(call.arguments, call.parameters,
                                          self.config.url_arguments, URL_FORMATS):
            problem = rules.problem(url)
            if problem:
                out.append(PolicyDecision(Verdict.DENY, "network", problem, where))
        return out
