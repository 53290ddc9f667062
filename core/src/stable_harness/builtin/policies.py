"""Built-in plugin ``policies``: ``fs-roots``, ``network``, ``tool-allowlist``, ``approval``."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import PolicyRecord


@hookimpl
def stable_harness_register_policies() -> Sequence[PolicyRecord]:
    return [
        PolicyRecord(
            name="fs-roots", factory="stable_harness.builtin.fs_roots:FsRootsPolicy",
            summary="File arguments must resolve (symlinks followed) inside configured roots",
            config_model="stable_harness.builtin.policy_config:FsRootsConfig"),
        PolicyRecord(
            name="network", factory="stable_harness.builtin.network_policy:NetworkPolicy",
            summary="URL arguments: allowed schemes and hosts; private, loopback, link-local "
                    "and metadata addresses refused after DNS resolution",
            config_model="stable_harness.builtin.policy_config:NetworkConfig"),
        PolicyRecord(
            name="tool-allowlist",
            factory="stable_harness.builtin.simple_policies:ToolAllowlistPolicy",
            summary="Per agent, only the listed tools may run",
            config_model="stable_harness.builtin.policy_config:ToolAllowlistConfig"),
        PolicyRecord(
            name="command-allowlist",
            factory="stable_harness.builtin.simple_policies:CommandAllowlistPolicy",
            summary="Command arguments may only start allowed programs, without shell "
                    "operators",
            config_model="stable_harness.builtin.policy_config:CommandAllowlistConfig"),
        PolicyRecord(
            name="approval", factory="stable_harness.builtin.simple_policies:ApprovalPolicy",
            summary="Calls of the listed tools or tags need a human decision first",
            config_model="stable_harness.builtin.policy_config:ApprovalConfig"),
    ]
