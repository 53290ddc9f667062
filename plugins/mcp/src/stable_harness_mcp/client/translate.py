"""MCP's tool descriptions and results in the terms of the tool-source contract."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from stable_harness.tools.sources import SourceArtifact, SourceResult, SourceTool

# An explicit hint becomes a tag; an absent one says nothing (never guess a tool's effects).
HINT_TAGS = (("read_only_hint", "read-only"), ("destructive_hint", "mutating"),
             ("idempotent_hint", "idempotent"), ("open_world_hint", "network"))
BEHAVIOUR_TAGS = frozenset(tag for _, tag in HINT_TAGS)


def hint_tags(annotations: Any) -> frozenset[str]:
    """Tags a tool's ``annotations`` state explicitly (``readOnlyHint: true`` → ``read-only``).

    A read-only tool is not also ``mutating``, whatever its ``destructiveHint`` says: the
    protocol defines that hint only for tools that are not read-only."""
    if annotations is None:
        return frozenset()
    tags = {tag for attr, tag in HINT_TAGS if getattr(annotations, attr, None) is True}
    if "read-only" in tags:
        tags.discard("mutating")
    return frozenset(tags)


def source_tool(tool: Any) -> SourceTool:
    """An ``mcp`` ``Tool`` as a :class:`SourceTool`."""
    schema = dict(tool.input_schema or {})
    schema.setdefault("type", "object")
    return SourceTool(tool.name, tool.description or "", schema, hint_tags(tool.annotations),
                      tool.output_schema)


def source_result(result: Any, tool: str) -> SourceResult:
    """A ``CallToolResult`` as a :class:`SourceResult`.

    What the model reads: the structured content when the tool gave one (it is the typed
    result its output schema describes), else the text parts joined. Images, audio and binary
    resources become artifacts (the model reads their description); text resources are read
    as text; a resource link is described."""
    texts: list[str] = []
    artifacts: list[SourceArtifact] = []
    for i, block in enumerate(result.content or []):
        kind = getattr(block, "type", None)
        if kind == "text":
            texts.append(block.text)
        elif kind in ("image", "audio"):
            name = f"{tool}-{i + 1}.{_suffix(block.mime_type)}"
            artifacts.append(SourceArtifact(name, block.mime_type, _decode(block.data)))
            texts.append(f"[{kind} {name} ({block.mime_type}), stored as an artifact]")
        elif kind == "resource":
            resource = block.resource
            mime = resource.mime_type or "application/octet-stream"
            if getattr(resource, "text", None) is not None:
                texts.append(resource.text)
            else:
                name = _resource_name(str(resource.uri), tool, i)
                artifacts.append(SourceArtifact(name, mime, _decode(resource.blob)))
                texts.append(f"[resource {resource.uri} ({mime}), stored as artifact {name}]")
        elif kind == "resource_link":
            texts.append(f"[resource link {block.uri}"
                         + (f" ({block.mime_type})" if block.mime_type else "") + "]")
    value: Any = "\n".join(texts)
    if result.structured_content is not None and not result.is_error:
        value = result.structured_content
    return SourceResult(value, bool(result.is_error), tuple(artifacts))


def describe(value: Any) -> str:
    """A result value as text (for error messages the model reads)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _decode(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return data.encode()  # not base64 after all: keep what was sent


def _suffix(mime: str) -> str:
    sub = mime.partition("/")[2].partition(";")[0].partition("+")[0]
    return sub if sub.isalnum() else "bin"


def _resource_name(uri: str, tool: str, i: int) -> str:
    tail = uri.rstrip("/").rpartition("/")[2]
    return tail if tail and len(tail) <= 100 else f"{tool}-{i + 1}.bin"
