"""Registration of the ``deepagents`` backend (light: DeepAgents is imported on first use)."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import BackendRecord, Support

CAPABILITIES = {
    "streaming": Support.NATIVE,
    "approvals": Support.NATIVE,
    "resume": Support.NATIVE,
    "cancellation": Support.WRAPPED,
    "tools": Support.WRAPPED,
    "structured_output": Support.NATIVE,
    "custom_graph": Support.UNSUPPORTED,
    "graph_overlay": Support.UNSUPPORTED,
    "subagents": Support.NATIVE,
    "skills": Support.NATIVE,
    "memory": Support.WRAPPED,
    "mcp": Support.WRAPPED,
    "planning": Support.NATIVE,
    "graph_render": Support.NATIVE,
}


@hookimpl
def stable_harness_register_backends() -> Sequence[BackendRecord]:
    return [
        BackendRecord(
            name="deepagents",
            factory="stable_harness_deepagents.adapter:DeepAgentsAdapter",
            summary="DeepAgents `create_deep_agent`: planning, subagents, skills, memory "
                    "files, checkpointed by LangGraph",
            config_model="stable_harness_deepagents.options:DeepAgentsOptions",
            capabilities=CAPABILITIES,
            agent_fields=frozenset({"subagents"}),
        )
    ]
