"""Markdown field reference of the workspace kinds, generated from the pydantic models.

``docs/workspace.md`` embeds the output between markers; a test fails when they differ, and
``python -m stable_harness.workspace.reference docs/workspace.md`` rewrites the block.
"""

from __future__ import annotations

import re
import sys
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from stable_harness.workspace import kind_base, kinds, memory_kinds

BEGIN = "<!-- BEGIN GENERATED FIELD REFERENCE -->"
END = "<!-- END GENERATED FIELD REFERENCE -->"
SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Every document", kinds.Envelope), ("metadata", kinds.Metadata),
    ("Runtime spec", kinds.RuntimeSpec), ("Runtime spec.plugins", kinds.PluginsSpec),
    ("Runtime spec.store / eventSinks[] / policies[]", kind_base.PluginRef),
    ("Runtime spec.protocols.NAME", kinds.ProtocolSpec),
    ("Agent spec", kinds.AgentSpec), ("Agent spec.edges[]", kinds.Edge),
    ("Model spec", kinds.ModelSpec), ("Tool spec", kinds.ToolSpec),
    ("McpServer spec", kinds.McpServerSpec), ("Skill spec", kinds.SkillSpec),
    ("Memory spec", memory_kinds.MemorySpec), ("Workflow spec", kinds.WorkflowSpec),
    ("Workflow spec.nodes[]", kinds.WorkflowNode),
]


def _type(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) if typing.get_origin(annotation) is None else None
    text = text or str(annotation).replace("typing.", "")
    text = re.sub(r"stable_harness\.workspace\.(kinds|memory_kinds|kind_base)\.", "", text)
    return text.replace("NoneType", "null")


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            return "`" + str([v.model_dump(exclude_defaults=True) for v in value]) + "`"
        return "`{}`" if value == {} else "`[]`" if value == [] else "(see below)"
    return "" if field.default is PydanticUndefined else f"`{field.default!r}`"


def render() -> str:
    """The Markdown block (without the markers)."""
    out = []
    for title, model in SECTIONS:
        out += [f"### {title}", "", "| field | type | default | description |",
                "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            key = field.alias or name
            desc = (field.description or "").replace("|", "\\|")
            out.append(f"| `{key}` | `{_type(field.annotation)}` | {_default(field)} | {desc} |")
        out.append("")
    return "\n".join(out)


def splice(document: str) -> str:
    """``document`` with the generated block replaced by a fresh rendering."""
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{render()}{END}{tail}"


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.write_text(splice(target.read_text(encoding="utf-8")), encoding="utf-8")
