"""``Workflow`` documents: inventory the runtime lists, draws and plans, and that a graph-
capable backend may dispatch. Dispatching compiles the topology into an agent spec of that
backend (``edges`` over the nodes' inventory references), so the backend's own graph runs it
and every node calls the inventory's own handler; the runtime adds no execution language."""

from __future__ import annotations

from typing import Any

from stable_harness.errors import InvalidRequestError
from stable_harness.records import Slot, Support
from stable_harness.workspace.kinds import AgentDoc, AgentSpec, Edge, WorkflowDoc
from stable_harness.workspace.model import Entry, Workspace

#: The backend capability a backend declares to dispatch Workflow documents.
CAPABILITY = "workflows"


def dispatchers(ws: Workspace) -> list[str]:
    """Loaded backends that declare they dispatch Workflow documents."""
    registry = ws.plugins.registry(Slot.BACKEND)
    return [name for name in registry.names()
            if registry.get(name).record.capabilities.get(CAPABILITY, Support.UNSUPPORTED)
            is not Support.UNSUPPORTED]


def workflow_backend(ws: Workspace, entry: Entry[WorkflowDoc]) -> str:
    """The backend that dispatches ``entry``; :class:`InvalidRequestError` when none can."""
    spec, name = entry.doc.spec, entry.doc.metadata.name
    able = dispatchers(ws)
    if spec.backend is not None:
        if spec.backend not in able:
            raise InvalidRequestError(
                f"workflow '{name}': backend '{spec.backend}' does not dispatch Workflow "
                f"documents (backends that do: {', '.join(able) or 'none loaded'})",
                field="workflow")
        return spec.backend
    if len(able) == 1:
        return able[0]
    raise InvalidRequestError(
        f"workflow '{name}' cannot run: " + (
            "no loaded backend dispatches Workflow documents; set its spec.backend to one "
            "that does (`langgraph`, from stable-harness-langgraph)" if not able else
            f"several backends dispatch Workflow documents ({', '.join(able)}); choose one "
            "with its spec.backend"), field="workflow")


def workflow_edges(doc: WorkflowDoc) -> list[Edge]:
    """The topology over inventory references: ``START`` to the entry node's reference, then
    each edge with its node ids replaced by their references."""
    refs = {n.id: n.ref for n in doc.spec.nodes}
    edges = [Edge(**{"from": "START", "to": refs[doc.spec.entry]})]
    edges += [Edge(**{"from": refs.get(e.source, e.source), "to": refs.get(e.target, e.target)})
              for e in doc.spec.edges]
    return edges


def names_by_kind(doc: WorkflowDoc) -> dict[str, list[str]]:
    """The inventory names the nodes reference, by collection (``tools``, ``agents``,
    ``models``), in node order."""
    names: dict[str, list[str]] = {"tools": [], "agents": [], "models": []}
    for node in doc.spec.nodes:
        kind, _, name = node.ref.partition(".")
        names.setdefault(kind, []).append(name)
    return names


def as_agent(ws: Workspace, entry: Entry[WorkflowDoc]) -> Entry[AgentDoc]:
    """The agent spec the dispatching backend compiles ``entry`` as."""
    doc = entry.doc
    refs = [n.ref for n in doc.spec.nodes]
    if len(set(refs)) != len(refs):
        raise InvalidRequestError(f"workflow '{doc.metadata.name}': a node reference is used "
                                  "twice; a dispatched workflow uses each reference once",
                                  field="workflow")
    names = names_by_kind(doc)
    spec = AgentSpec(backend=workflow_backend(ws, entry),
                     model=names["models"][0] if names["models"] else None,
                     system_prompt=doc.spec.system_prompt, tools=names["tools"],
                     subagents=names["agents"], edges=workflow_edges(doc))
    agent = AgentDoc(api_version=doc.api_version, kind="Agent", metadata=doc.metadata,
                     spec=spec)
    return Entry(agent, entry.source)


def describe_workflow(entry: Entry[WorkflowDoc], dispatch: list[str]) -> dict[str, Any]:
    """The inventory view of a Workflow document (``GET /workflows``)."""
    spec = entry.doc.spec
    names = names_by_kind(entry.doc)
    return {"workflowId": entry.doc.metadata.name, "kind": "workflow",
            "description": spec.description, "entry": spec.entry,
            "nodes": [{"id": n.id, "ref": n.ref} for n in spec.nodes],
            "edges": [{"from": e.source, "to": e.target} for e in spec.edges],
            "backend": spec.backend, "dispatchedBy": dispatch, "tools": names["tools"],
            "subagents": names["agents"],
            "model": names["models"][0] if names["models"] else None}


def workflow_mermaid(entry: Entry[WorkflowDoc]) -> str:
    """The topology as a Mermaid flowchart (node ids, labelled with their references)."""
    spec = entry.doc.spec
    ids = {n.id: f"n{i}" for i, n in enumerate(spec.nodes)}
    lines = ["flowchart TD", "  START([START])", "  END([END])"]
    lines += [f'  {ids[n.id]}["{n.id}: {n.ref}"]' for n in spec.nodes]
    lines.append(f"  START --> {ids[spec.entry]}")
    lines += [f"  {ids.get(e.source, e.source)} --> {ids.get(e.target, e.target)}"
              for e in spec.edges]
    return "\n".join(lines) + "\n"
