"""Which argument values a policy must check: every string under an argument that is named
like one it guards (``path``, ``urls``, ``source_file``…) or whose schema declares one of its
formats (``format: path``, ``items.format: uri``), at any depth and inside arrays.

Names are compared by words: a configured name matches a key that ends with its words, in
any case style and in the plural (``path`` matches ``path``, ``paths``, ``sourcePath``,
``output_paths``; ``file_name`` matches ``filename``). A policy that misses a value lets it
through, so the walk errs toward checking more.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from functools import lru_cache
from typing import Any

from stable_harness.gateway.words import folded, words


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=8192)
def _key_forms(key: str) -> tuple[tuple[str, ...], str]:
    parts = words(key)
    singular = (*parts[:-1], _singular(parts[-1])) if parts else ()
    return singular, "".join(singular)


def named_like(key: str, names: Collection[str]) -> bool:
    """Whether argument ``key`` is named like one of ``names`` (see the module docstring)."""
    parts, joined = _key_forms(key)
    for name in names:
        mine = words(name)
        if mine and (parts[-len(mine):] == mine or joined == folded(name)):
            return True
    return False


def guarded_strings(value: Any, schema: Any, names: Collection[str],
                    formats: Collection[str], where: str = "$") -> Iterator[tuple[str, str]]:
    """(JSON path, string) for every string a policy guarding ``names``/``formats`` must
    check in ``value`` (checked arguments, ``schema`` their JSON Schema)."""
    yield from _walk(value, schema, names, formats, where, False, 0)


def _formatted(schema: Any, formats: Collection[str]) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("format") in formats:
        return True
    return any(_formatted(branch, formats) for key in ("anyOf", "oneOf")
               for branch in schema.get(key) or ())


def _walk(value: Any, schema: Any, names: Collection[str], formats: Collection[str],
          where: str, marked: bool, depth: int) -> Iterator[tuple[str, str]]:
    if depth > 64:
        return
    if isinstance(value, str):
        if marked or _formatted(schema, formats):
            yield where, value
        return
    sub_schema = schema if isinstance(schema, dict) else {}
    if isinstance(value, list):
        items = sub_schema.get("items")
        for i, item in enumerate(value):
            yield from _walk(item, items, names, formats, f"{where}[{i}]", marked, depth + 1)
    elif isinstance(value, dict):
        props = sub_schema.get("properties") or {}
        for key, item in value.items():
            sub = props.get(key) if isinstance(props, dict) else None
            named = isinstance(key, str) and named_like(key, names)
            yield from _walk(item, sub, names, formats, f"{where}.{key}", named, depth + 1)
