"""``Agent.spec.options`` of the ``langgraph`` backend: upstream arguments, passed through."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from stable_harness.builtin.config import PluginConfig


class MiddlewareRef(PluginConfig):
    """An upstream middleware: ``module:attr`` (a class is called with ``args``)."""

    use: str = Field(pattern=r"^[\w.]+:[\w.]+$", description="Import path `module:attr`.")
    args: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments.")


class GraphOptions(PluginConfig):
    """Options shared by the LangGraph-based backends (``langgraph``, ``deepagents``)."""

    middleware: list[str | MiddlewareRef] = Field(
        default_factory=list,
        description="LangChain agent middleware, by import path (`module:attr` or "
                    "`{use, args}`), added after the runtime's own.")
    response_format: str | dict[str, Any] | None = Field(
        None, description="Structured output: import path of a pydantic model, or a JSON "
                          "Schema; the run's output is the structured response.")
    interrupt_on: dict[str, bool | dict[str, Any]] = Field(
        default_factory=dict,
        description="Tools that need a human decision, as upstream `interrupt_on` "
                    "(tool name -> true, or `{allowed_decisions: [...]}`).")
    upstream_tools: list[str | MiddlewareRef] = Field(
        default_factory=list,
        description="Tools of the framework itself, by import path (a LangChain tool, or a "
                    "function returning one called with `args`, e.g. langmem's "
                    "`create_manage_memory_tool`): bound with the agent's own and run by "
                    "LangGraph (observed as `source: upstream`, not through the gateway); "
                    "what they read and write in the store is the runtime's governed memory.")
    recursion_limit: int = Field(50, ge=1, description="LangGraph recursion limit per activation.")
    checkpoints: str | None = Field(
        None, description="SQLite file of LangGraph checkpoints (default: `checkpoints.db` "
                          "next to the run store).")


class LangGraphOptions(GraphOptions):
    """``Agent.spec.options`` for the ``langgraph`` backend."""

    interrupt_mode: str = Field(
        "batched", pattern="^(batched|per_call)$",
        description="Upstream HumanInTheLoopMiddleware `interrupt_mode`: one approval per "
                    "model turn (`batched`) or per tool call (`per_call`).")
    interrupt_before: list[str] = Field(default_factory=list,
                                        description="Nodes to pause before (upstream).")
    interrupt_after: list[str] = Field(default_factory=list,
                                       description="Nodes to pause after (upstream).")
