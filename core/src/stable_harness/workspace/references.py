"""Cross-reference checks between kinds: every name an agent or workflow uses must exist."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import Any

from stable_harness.workspace.diagnostics import Diagnostic, Path, did_you_mean, format_path
from stable_harness.workspace.kinds import COLLECTIONS, AgentDoc, SkillDoc, WorkflowDoc
from stable_harness.workspace.model import Entry

Inventory = dict[str, dict[str, Entry[Any]]]
Names = dict[str, set[str]]
"""Names per kind that exist, including documents that failed validation (no cascades)."""
GRAPH_ENDS = ("START", "END")


def _missing(entry: Entry[Any], path: Path, kind: str, name: str, inv: Names) -> Diagnostic:
    return Diagnostic(
        "unknown-reference", f"unknown {kind} '{name}'", entry.source.file,
        entry.source.line_of(path), entry.subject, format_path(path),
        did_you_mean(name, inv.get(kind, {})),
    )


def _ref(entry: Entry[Any], path: Path, kind: str, name: str | None, inv: Names
         ) -> Iterator[Diagnostic]:
    if name is not None and name not in inv.get(kind, set()):
        yield _missing(entry, path, kind, name, inv)


def _inventory_ref(entry: Entry[Any], path: Path, ref: str, inv: Names
                   ) -> Iterator[Diagnostic]:
    """``collection.name`` such as ``tools.echo_tool``."""
    collection, _, name = ref.partition(".")
    kind = COLLECTIONS.get(collection)
    if kind is None or not name:
        yield Diagnostic(
            "invalid-reference", f"'{ref}' is not an inventory reference",
            entry.source.file, entry.source.line_of(path), entry.subject, format_path(path),
            "write COLLECTION.NAME with COLLECTION one of " + ", ".join(COLLECTIONS)
            + (" (or START / END)" if path[-1] in ("from", "to") else ""),
        )
        return
    yield from _ref(entry, path, kind, name, inv)


def check_agent(entry: Entry[AgentDoc], inv: Names) -> Iterator[Diagnostic]:
    spec = entry.doc.spec
    yield from _ref(entry, ("spec", "model"), "Model", spec.model, inv)
    yield from _ref(entry, ("spec", "memory"), "Memory", spec.memory, inv)
    for field, kind in (("tools", "Tool"), ("skills", "Skill"), ("subagents", "Agent")):
        for i, name in enumerate(getattr(spec, field)):
            yield from _ref(entry, ("spec", field, i), kind, name, inv)
    for i, use in enumerate(spec.mcp_servers):
        yield from _ref(entry, ("spec", "mcpServers", i), "McpServer", use.server, inv)
    if entry.doc.metadata.name in spec.subagents:
        i = spec.subagents.index(entry.doc.metadata.name)
        yield Diagnostic("invalid-reference", "an agent cannot be its own subagent",
                         entry.source.file, entry.source.line_of(("spec", "subagents", i)),
                         entry.subject, format_path(("spec", "subagents", i)))
    for i, edge in enumerate(spec.edges):
        for end, ref in (("from", edge.source), ("to", edge.target)):
            if ref not in GRAPH_ENDS:
                yield from _inventory_ref(entry, ("spec", "edges", i, end), ref, inv)
                yield from _own_inventory(entry, ("spec", "edges", i, end), ref, inv)


# An edge connects the agent's own inventory: these collections must list the name.
OWN_INVENTORY = {"tools": "tools", "agents": "subagents", "skills": "skills"}


def _own_inventory(entry: Entry[AgentDoc], path: Path, ref: str, inv: Names
                   ) -> Iterator[Diagnostic]:
    collection, _, name = ref.partition(".")
    field = OWN_INVENTORY.get(collection)
    if field is None or name not in inv.get(COLLECTIONS[collection], set()) or \
            name in getattr(entry.doc.spec, field):
        return  # unknown names are reported once, as unknown-reference
    yield Diagnostic("invalid-reference",
                     f"edge node '{ref}' is not in this agent's `{field}`",
                     entry.source.file, entry.source.line_of(path), entry.subject,
                     format_path(path), f"add '{name}' to spec.{field}")


def check_workflow(entry: Entry[WorkflowDoc], inv: Names) -> Iterator[Diagnostic]:
    spec = entry.doc.spec
    ids: set[str] = set()
    for i, node in enumerate(spec.nodes):
        path: Path = ("spec", "nodes", i, "id")
        if node.id in ids:
            yield Diagnostic("duplicate-name", f"node id '{node.id}' is used twice",
                             entry.source.file, entry.source.line_of(path), entry.subject,
                             format_path(path))
        ids.add(node.id)
        yield from _inventory_ref(entry, ("spec", "nodes", i, "ref"), node.ref, inv)
    if spec.entry not in ids:
        yield Diagnostic("unknown-reference", f"entry '{spec.entry}' is not a node id",
                         entry.source.file, entry.source.line_of(("spec", "entry")),
                         entry.subject, "spec.entry", did_you_mean(spec.entry, ids))
    for i, edge in enumerate(spec.edges):
        for end, ref in (("from", edge.source), ("to", edge.target)):
            if ref not in ids and ref not in GRAPH_ENDS:
                path = ("spec", "edges", i, end)
                yield Diagnostic("unknown-reference", f"'{ref}' is not a node id",
                                 entry.source.file, entry.source.line_of(path), entry.subject,
                                 format_path(path), did_you_mean(ref, ids))


def check_skill(entry: Entry[SkillDoc], root: FsPath) -> Iterator[Diagnostic]:
    """The folder must resolve inside the workspace (symlinks followed) and hold SKILL.md."""
    path: Path = ("spec", "path")
    base = root.resolve()
    target = (base / entry.doc.spec.path).resolve()
    problem = ""
    if not target.is_relative_to(base):
        problem = f"'{entry.doc.spec.path}' resolves outside the workspace"
    elif not (target / "SKILL.md").is_file():
        problem = f"'{entry.doc.spec.path}' has no SKILL.md"
    if problem:
        yield Diagnostic("invalid-path", problem, entry.source.file,
                         entry.source.line_of(path), entry.subject, "spec.path")


def check_runtime(entry: Entry[Any], inv: Names) -> Iterator[Diagnostic]:
    yield from _ref(entry, ("spec", "defaultAgent"), "Agent", entry.doc.spec.default_agent, inv)
    for i, policy in enumerate(entry.doc.spec.policies):
        for j, tool in enumerate(policy.tools):
            yield from _ref(entry, ("spec", "policies", i, "tools", j), "Tool", tool, inv)
    for name, protocol in entry.doc.spec.protocols.items():
        for j, agent in enumerate(protocol.expose_agents or ()):
            yield from _ref(entry, ("spec", "protocols", name, "exposeAgents", j), "Agent",
                            agent, inv)


def check_references(inv: Inventory, root: FsPath, invalid: Names) -> list[Diagnostic]:
    """Every cross-reference problem in the inventory."""
    names = {kind: set(entries) | invalid.get(kind, set()) for kind, entries in inv.items()}
    out: list[Diagnostic] = []
    for entry in inv.get("Runtime", {}).values():
        out.extend(check_runtime(entry, names))
    for entry in inv.get("Agent", {}).values():
        out.extend(check_agent(entry, names))
    for entry in inv.get("Workflow", {}).values():
        out.extend(check_workflow(entry, names))
        if entry.doc.metadata.name in inv.get("Agent", {}):  # a request names either one
            out.append(Diagnostic(
                "duplicate-name", f"workflow '{entry.doc.metadata.name}' has the name of an "
                "agent; a request's `workflow` could mean either", entry.source.file,
                entry.source.line_of(("metadata", "name")), entry.subject, "metadata.name",
                "rename one of them"))
    for entry in inv.get("Skill", {}).values():
        out.extend(check_skill(entry, root))
    for entry in inv.get("Memory", {}).values():
        if entry.doc.spec.consolidate is not None:
            out.extend(_ref(entry, ("spec", "consolidate"), "Agent",
                            entry.doc.spec.consolidate, names))
        index = entry.doc.spec.index
        if index is not None:
            out.extend(_ref(entry, ("spec", "index", "embeddings"), "Embeddings",
                            index.embeddings, names))
    return out
