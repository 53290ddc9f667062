"""Built-in plugin ``python``: the ``python`` backend (an agent is an async Python function) and
the ``python`` tool registry (a tool is a Python function)."""

from __future__ import annotations

from collections.abc import Sequence

from stable_harness.hookspecs import hookimpl
from stable_harness.records import BackendRecord, Support, ToolRegistryRecord


@hookimpl
def stable_harness_register_backends() -> Sequence[BackendRecord]:
    return [
        BackendRecord(
            name="python",
            factory="stable_harness.builtin.python_backend:PythonBackend",
            summary="Agents written as async Python functions (`spec.entrypoint`)",
            config_model="stable_harness.builtin.config:PythonBackendOptions",
            capabilities={
                "streaming": Support.WRAPPED,
                "approvals": Support.WRAPPED,
                "cancellation": Support.WRAPPED,
                "resume": Support.WRAPPED,
                "tools": Support.WRAPPED,
                "subagents": Support.UNSUPPORTED,
                "skills": Support.UNSUPPORTED,
                "memory": Support.WRAPPED,
                "mcp": Support.WRAPPED,
                "custom_graph": Support.UNSUPPORTED,
                "graph_overlay": Support.UNSUPPORTED,
            },
            agent_fields=frozenset({"entrypoint"}),
            required_agent_fields=frozenset({"entrypoint"}),
        )
    ]


@hookimpl
def stable_harness_register_tool_registries() -> Sequence[ToolRegistryRecord]:
    return [
        ToolRegistryRecord(
            name="python",
            factory="stable_harness.builtin.python_tools:PythonToolRegistry",
            summary="Tools that are Python functions (`spec.entrypoint: module:function`)",
            config_model="stable_harness.builtin.config:PythonToolConfig",
            required_tool_fields=frozenset({"entrypoint"}),
        )
    ]
