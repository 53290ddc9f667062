"""``spec.edges``: the agent's inventory wired into a LangGraph ``StateGraph``.

The edge list is topology only (seed: "Agent graph overlay"); each node is an inventory
reference with a fixed handler, and nothing is inferred from text:

* ``models.NAME`` calls that model (with the agent's tools bound) on the conversation. Out of a
  model node, edges to ``tools.*`` nodes are taken when the model asked for that tool, the
  other edges when it asked for none (upstream ``tools_condition`` semantics).
* ``tools.NAME`` runs the calls to NAME of the last model message through the runtime's tool
  path (ledger, events), appending the tool messages.
* ``agents.NAME`` (a subagent on ``langgraph``) runs that agent's graph on the conversation
  and appends its answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.messages import AIMessage, SystemMessage, ToolMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from stable_harness.errors import StableHarnessError

from stable_harness_langgraph.graph_run import output_of
from stable_harness_langgraph.tools import as_text, current_run

if TYPE_CHECKING:
    from stable_harness_langgraph.adapter import LangGraphAdapter

ENDS = {"START": START, "END": END}


def node_name(ref: str) -> str:
    """Node names keep the reference readable (``tools/echo_tool``) in traces and Mermaid."""
    return ENDS.get(ref, ref.replace(".", "/"))


def compile_overlay(adapter: LangGraphAdapter, checkpointer: Any) -> Any:
    """Compile the overlay of ``adapter``'s agent."""
    spec = adapter.agent.spec
    builder = StateGraph(MessagesState)
    refs = {ref for edge in spec.edges for ref in (edge.source, edge.target)} - set(ENDS)
    for ref in sorted(refs):
        builder.add_node(node_name(ref), _handler(adapter, ref))
    targets: dict[str, list[str]] = {}
    for edge in spec.edges:
        targets.setdefault(edge.source, []).append(edge.target)
    for source, outs in targets.items():
        if source.startswith("models."):
            builder.add_conditional_edges(node_name(source), _router(outs),
                                          [node_name(t) for t in outs])
        else:
            for target in outs:
                builder.add_edge(node_name(source), node_name(target))
    return builder.compile(checkpointer=checkpointer, store=adapter.store(),
                           name=adapter.agent.name)


def _router(targets: list[str]) -> Any:
    tool_targets = {t.partition(".")[2]: node_name(t) for t in targets if t.startswith("tools.")}
    others = [node_name(t) for t in targets if not t.startswith("tools.")] or [END]

    def route(state: dict[str, Any]) -> list[str]:
        last = state["messages"][-1]
        calls = {c["name"] for c in getattr(last, "tool_calls", None) or []}
        chosen = [node for name, node in tool_targets.items() if name in calls]
        return chosen or others

    return route


def _handler(adapter: LangGraphAdapter, ref: str) -> Any:
    kind, _, name = ref.partition(".")
    spec = adapter.agent.spec
    if kind == "models":
        model = adapter.model(name).bind_tools(adapter.tools_of(
            adapter.agent.name, adapter.agent.tools_of(adapter.agent.name)))
        prompt = [SystemMessage(spec.system_prompt)] if spec.system_prompt else []

        async def call_model(state: dict[str, Any]) -> dict[str, Any]:
            return {"messages": [await model.ainvoke(prompt + state["messages"])]}

        return call_model
    if kind == "tools":
        async def call_tool(state: dict[str, Any]) -> dict[str, Any]:
            last = state["messages"][-1]
            calls = [c for c in getattr(last, "tool_calls", None) or [] if c["name"] == name]
            ctx = current_run()
            return {"messages": [
                ToolMessage(as_text(await ctx.call_tool(name, c["args"], key=c["id"])),
                            tool_call_id=c["id"], name=name) for c in calls]}

        return call_tool
    if kind == "agents" and name in spec.subagents:
        return _subagent_node(adapter, name)
    raise StableHarnessError(
        f"agent '{adapter.agent.name}': edge node '{ref}' is not one the langgraph overlay "
        "runs (models.*, tools.*, or agents.* listed in spec.subagents)")


def _subagent_node(adapter: LangGraphAdapter, name: str) -> Any:
    from stable_harness.runtime.assembly import make_adapter

    ws = adapter.agent.workspace
    if ws is None:
        raise StableHarnessError(f"subagent '{name}' needs the workspace")
    sub = make_adapter(ws, name, adapter.agent.tool)
    build = getattr(sub, "build", None)
    if build is None:
        raise StableHarnessError(f"subagent '{name}' is not on a LangGraph-based backend")
    graph = build(None)  # a subgraph: it checkpoints through the parent's saver

    async def call_agent(state: dict[str, Any]) -> dict[str, Any]:
        result = await graph.ainvoke({"messages": state["messages"]})
        return {"messages": [AIMessage(content=str(output_of(result) or ""), name=name)]}

    return call_agent
