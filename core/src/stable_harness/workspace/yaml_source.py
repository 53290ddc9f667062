"""Read workspace YAML keeping the line of every value, so errors can point at it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from stable_harness.workspace.diagnostics import Diagnostic, Path

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000  # alias expansion bound ("billion laughs")


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe scalars, but timestamps stay strings: a date-looking name must not become a date."""


def _timestamp_as_text(constructor: _Constructor, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)
    return constructor.construct_scalar(node)


# The stubs type the first argument as a Loader; a constructor subclass is what PyYAML takes.
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)  # type: ignore[type-var]


class _TooLarge(Exception):
    pass


@dataclass
class SourceDocument:
    """One YAML document: its data and the 1-based line of every path inside it."""

    file: str
    index: int
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """Line of ``path``, or of its nearest ancestor that exists in the file."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return 1


@dataclass
class _Builder:
    file: str
    diagnostics: list[Diagnostic]
    lines: dict[Path, int] = field(default_factory=dict)
    constructor: _Constructor = field(default_factory=_Constructor)
    count: int = 0
    active: set[int] = field(default_factory=set)

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        if id(node) in self.active:
            raise _TooLarge
        if isinstance(node, yaml.ScalarNode):
            return self.constructor.construct_object(node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self._item(child, path, i) for i, child in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self.active.discard(id(node))

    def _item(self, child: yaml.Node, path: Path, index: int) -> Any:
        self.lines.setdefault((*path, index), child.start_mark.line + 1)
        return self.build(child, (*path, index))

    def _mapping(self, node: yaml.Node, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in self._pairs(node):
            key = self.constructor.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                key = str(key)
            child = (*path, key)
            if key in out:
                self.diagnostics.append(Diagnostic(
                    "duplicate-key", f"key '{key}' appears twice in one mapping "
                    f"(first at line {self.lines.get(child, '?')})", self.file, line))
                continue
            self.lines[child] = line
            out[key] = self.build(value_node, child)
        return out

    def _pairs(self, node: yaml.Node) -> Iterator[tuple[yaml.Node, yaml.Node]]:
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [
                    value_node]
                for source in sources:
                    if isinstance(source, yaml.MappingNode):
                        merged.extend(source.value)
            else:
                yield key_node, value_node
        own = {getattr(k, "value", None) for k, _ in node.value}
        yield from ((k, v) for k, v in merged if getattr(k, "value", None) not in own)


def read_file(path: FsPath, rel: str) -> tuple[list[SourceDocument], list[Diagnostic]]:
    """Parse every document of one file. A syntax error skips the file and is reported."""
    diagnostics: list[Diagnostic] = []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [Diagnostic("unreadable", f"cannot read file: {exc.strerror}", rel)]
    if len(raw) > MAX_FILE_BYTES:
        return [], [Diagnostic("too-large", f"file is over {MAX_FILE_BYTES} bytes", rel)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [Diagnostic("encoding", f"not UTF-8 text (byte {exc.start})", rel)]
    documents: list[SourceDocument] = []
    try:
        for index, node in enumerate(yaml.compose_all(text, Loader=_Loader)):
            builder = _Builder(rel, diagnostics)
            builder.lines[()] = node.start_mark.line + 1
            data = builder.build(node, ())
            if data is not None:  # an empty document (e.g. a trailing `---`) says nothing
                documents.append(SourceDocument(rel, index, data, builder.lines))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        return [], [Diagnostic("yaml-syntax", f"invalid YAML: {problem}", rel, line)]
    except yaml.YAMLError as exc:
        return [], [Diagnostic("yaml-syntax", f"invalid YAML: {exc}", rel)]
    except (_TooLarge, RecursionError):
        return [], [Diagnostic("too-large", "YAML expands to too many values (aliases)", rel)]
    return documents, diagnostics
