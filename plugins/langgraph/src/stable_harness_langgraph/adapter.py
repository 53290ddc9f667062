"""The ``langgraph`` backend adapter and the base it shares with ``deepagents``."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool
from stable_harness.backends.contract import AgentBinding, BackendEvent
from stable_harness.builtin.python_tools import import_object
from stable_harness.errors import StableHarnessError
from stable_harness.runs.models import Decision
from stable_harness.runtime.context import RunContext

from stable_harness_langgraph.checkpoint import Checkpoints
from stable_harness_langgraph.graph_run import activate
from stable_harness_langgraph.options import GraphOptions, LangGraphOptions, MiddlewareRef
from stable_harness_langgraph.threads import GraphThreadsMixin
from stable_harness_langgraph.tools import Projector, RuntimeToolsMiddleware, langchain_tool


class GraphAdapter(GraphThreadsMixin):
    """Runs a compiled LangGraph graph per agent, checkpointed by LangGraph's SQLite saver
    (and reads and writes a session's state for the LangGraph API: ``GraphThreads``).

    Subclasses implement :meth:`build`; the graph is compiled once, on first use, on the
    runtime's event loop."""

    options: GraphOptions

    def __init__(self, options: GraphOptions, *, agent: AgentBinding) -> None:
        self.options = options
        self.agent = agent
        # every path once, against the workspace root, absolutely: a relative root joined
        # twice put checkpoints in `ws/ws/...` when the CLI ran with a relative `-w`
        if options.checkpoints:
            path = Path(options.checkpoints)
            path = path if path.is_absolute() else agent.root / path
        else:
            path = (agent.state_dir or agent.root / ".stable-harness") / "checkpoints.db"
        self.checkpoints = Checkpoints(path.resolve())
        self._graph: Any = None

    # -- what subclasses provide ------------------------------------------------------------

    def build(self, checkpointer: Any) -> Any:
        """The compiled graph of this agent (``checkpointer`` None: for inspection)."""
        raise NotImplementedError

    # -- the adapter contract ---------------------------------------------------------------

    async def graph(self) -> Any:
        """The compiled, checkpointed graph."""
        if self._graph is None:
            self._graph = self.build(await self.checkpoints.saver())
        return self._graph

    async def start(self, ctx: RunContext) -> AsyncIterator[BackendEvent]:
        """Run the graph on the input (or, on a retry, continue from its checkpoint)."""
        async for event in activate(await self.graph(), ctx, resuming=False,
                                    recursion_limit=self.options.recursion_limit):
            yield event

    async def resume(self, ctx: RunContext, decision: Decision | None
                     ) -> AsyncIterator[BackendEvent]:
        """Continue from the last checkpoint, answering decided interrupts."""
        async for event in activate(await self.graph(), ctx, resuming=True,
                                    recursion_limit=self.options.recursion_limit):
            yield event

    async def cancel(self, ctx: RunContext) -> None:
        """The graph runs in the run's task: cancelling the task stops it and its tools."""

    async def aclose(self) -> None:
        """Close the checkpoint database."""
        await self.checkpoints.aclose()

    def mermaid(self) -> str:
        """The agent's graph as Mermaid (upstream ``draw_mermaid``)."""
        return str(self.build(None).get_graph().draw_mermaid())

    def graph_json(self, xray: bool | int = False) -> dict[str, Any]:
        """The agent's graph as LangGraph draws it as JSON (``get_graph().to_json()``)."""
        drawn: dict[str, Any] = self.build(None).get_graph(xray=xray).to_json()
        return drawn

    def schemas(self) -> dict[str, Any]:
        """The graph's JSON Schemas: input, output, state, config, context."""
        graph = self.build(None)

        def schema(name: str) -> Any:
            method = getattr(graph, name, None)
            try:
                return method() if callable(method) else None
            except Exception:  # a state type pydantic cannot describe: no schema, not an error
                return None

        output = schema("get_output_jsonschema")
        return {"input_schema": schema("get_input_jsonschema"), "output_schema": output,
                "state_schema": output, "config_schema": schema("get_config_jsonschema"),
                "context_schema": schema("get_context_jsonschema")}

    # -- helpers for builders ---------------------------------------------------------------

    def model(self, name: str | None = None) -> Any:
        """The chat model of the agent (or of ``Model`` ``name``)."""
        name = name or self.agent.spec.model
        if name is None:
            raise StableHarnessError(f"agent '{self.agent.name}' needs `spec.model`")
        return self.agent.model(name)

    def tools_of(self, agent: str, names: list[str]) -> list[BaseTool]:
        """LangChain tools for workspace tools ``names`` of ``agent``."""
        return [langchain_tool(self.agent.tool(agent, name)) for name in names]

    def middleware(self, tools: list[str], projector: Projector | None = None) -> list[Any]:
        """The user's middleware (``options.middleware``), then the runtime's tool middleware,
        innermost so that upstream wrappers (a reviewer's edit) apply before it executes."""
        return [*(self._import_middleware(ref) for ref in self.options.middleware),
                RuntimeToolsMiddleware(tools, projector)]

    def upstream_tools(self) -> list[Any]:
        """``options.upstreamTools``: the framework's own tools (see the option)."""
        out = []
        for ref in self.options.upstream_tools:
            path, args = (ref, {}) if isinstance(ref, str) else (ref.use, ref.args)
            obj = import_object(path, self.agent.root)
            out.append(obj if isinstance(obj, BaseTool) else obj(**args))
        return out

    def _import_middleware(self, ref: str | MiddlewareRef) -> Any:
        path, args = (ref, {}) if isinstance(ref, str) else (ref.use, ref.args)
        obj = import_object(path, self.agent.root)
        return obj(**args) if inspect.isclass(obj) else obj

    def store(self) -> Any:
        """The graph's ``store=``: the runtime's memory when the agent has a policy
        (``spec.memory``), else none."""
        if not self.agent.spec.memory:
            return None
        from stable_harness_langgraph.store import RuntimeStore

        return RuntimeStore()

    def response_format(self) -> Any:
        """``options.responseFormat``: an imported pydantic model or a JSON Schema dict."""
        value = self.options.response_format
        if isinstance(value, str):
            return import_object(value, self.agent.root)
        return value


class LangGraphAdapter(GraphAdapter):
    """``backend: langgraph``: ``create_agent``, a user graph, or an edges overlay."""

    options: LangGraphOptions

    def build(self, checkpointer: Any) -> Any:
        spec = self.agent.spec
        if spec.graph:
            return self._user_graph(spec.graph, checkpointer)
        if spec.edges:
            from stable_harness_langgraph.overlay import compile_overlay

            return compile_overlay(self, checkpointer)
        from langchain.agents import create_agent

        tools = self.agent.tools_of(self.agent.name)
        middleware = self.middleware(tools)
        if self.options.interrupt_on:
            from langchain.agents.middleware import HumanInTheLoopMiddleware

            middleware.insert(len(middleware) - 1, HumanInTheLoopMiddleware(
                dict(self.options.interrupt_on), interrupt_mode=self.options.interrupt_mode))
        return create_agent(
            self.model(), [*self.tools_of(self.agent.name, tools), *self.upstream_tools()],
            system_prompt=spec.system_prompt or None, middleware=middleware,
            response_format=self.response_format(), checkpointer=checkpointer,
            store=self.store(),
            interrupt_before=self.options.interrupt_before or None,
            interrupt_after=self.options.interrupt_after or None, name=self.agent.name)

    def _user_graph(self, path: str, checkpointer: Any) -> Any:
        """``spec.graph``: a ``StateGraph`` (compiled here), a compiled graph (given our
        checkpointer), or a function of no arguments returning either."""
        from langgraph.graph import StateGraph

        graph = import_object(path, self.agent.root)
        if inspect.isfunction(graph):
            graph = graph()
        if isinstance(graph, StateGraph):
            return graph.compile(checkpointer=checkpointer, store=self.store(),
                                 interrupt_before=self.options.interrupt_before or None,
                                 interrupt_after=self.options.interrupt_after or None)
        if hasattr(graph, "astream") and hasattr(graph, "copy"):
            store = self.store()
            return graph.copy(update={"checkpointer": checkpointer,
                                      **({"store": store} if store is not None else {})})
        raise StableHarnessError(
            f"agent '{self.agent.name}': spec.graph {path} is not a LangGraph graph "
            f"(got {type(graph).__name__}); name a StateGraph, a compiled graph, or a "
            "function returning one")
