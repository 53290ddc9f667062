"""Value filters for memory search, with the semantics of LangGraph's stores: a filter is a
JSON object whose keys must match the item's value; a nested object matches nested values,
a list matches an equal list element by element, and an object of operators (``$eq``,
``$ne``, ``$gt``, ``$gte``, ``$lt``, ``$lte``) compares. An ordering operator on a value that
is not a number matches nothing (upstream raises; a search never fails on stored data)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

OPERATORS = frozenset({"$eq", "$ne", "$gt", "$gte", "$lt", "$lte"})


def check_filter(filter: Mapping[str, Any] | None) -> None:
    """Raise ``ValueError`` naming an unknown operator anywhere in ``filter``."""
    def walk(value: Any, path: str) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                if isinstance(key, str) and key.startswith("$") and key not in OPERATORS:
                    raise ValueError(f"unknown filter operator {key!r} at {path or 'the top'}"
                                     f" (known: {', '.join(sorted(OPERATORS))})")
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list | tuple):
            for i, inner in enumerate(value):
                walk(inner, f"{path}[{i}]")
    walk(filter or {}, "")


def matches(value: Mapping[str, Any], filter: Mapping[str, Any] | None) -> bool:
    """Whether an item's ``value`` satisfies ``filter``."""
    return all(_compare(value.get(k), v) for k, v in (filter or {}).items())


def _compare(item: Any, wanted: Any) -> bool:
    if isinstance(wanted, Mapping):
        if any(isinstance(k, str) and k.startswith("$") for k in wanted):
            return all(_operator(item, op, operand) for op, operand in wanted.items())
        return isinstance(item, Mapping) and all(_compare(item.get(k), v)
                                                 for k, v in wanted.items())
    if isinstance(wanted, list | tuple):
        return (isinstance(item, list | tuple) and len(item) == len(wanted)
                and all(_compare(i, w) for i, w in zip(item, wanted, strict=True)))
    return bool(item == wanted)


def _operator(item: Any, op: str, operand: Any) -> bool:
    if op == "$eq":
        return bool(item == operand)
    if op == "$ne":
        return bool(item != operand)
    a, b = _number(item), _number(operand)
    if a is None or b is None:
        return False
    return {"$gt": a > b, "$gte": a >= b, "$lt": a < b, "$lte": a <= b}[op]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return None if math.isnan(value) else float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None
