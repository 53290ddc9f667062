"""Registration of the ``langgraph`` backend (the module stays light: no LangGraph import)."""

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
    "custom_graph": Support.NATIVE,
    "graph_overlay": Support.NATIVE,
    "workflows": Support.NATIVE,  # Workflow documents, compiled as an edges overlay
    "subagents": Support.WRAPPED,
    "skills": Support.UNSUPPORTED,
    "memory": Support.WRAPPED,
    "mcp": Support.WRAPPED,
    "graph_render": Support.NATIVE,
}


@hookimpl
def stable_harness_register_backends() -> Sequence[BackendRecord]:
    return [
        BackendRecord(
            name="langgraph",
            factory="stable_harness_langgraph.adapter:LangGraphAdapter",
            summary="LangChain `create_agent`, a LangGraph graph (`spec.graph`) or an edges "
                    "overlay, checkpointed by LangGraph",
            config_model="stable_harness_langgraph.options:LangGraphOptions",
            capabilities=CAPABILITIES,
            agent_fields=frozenset({"graph", "edges", "subagents"}),
        )
    ]
