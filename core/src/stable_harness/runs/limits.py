"""What a value must be to enter the store: JSON that every encoder downstream can write.

Checked once, at admission (every surface's requests pass it), before anything is stored:
strings and keys must be encodable as UTF-8 (no lone UTF-16 surrogates), numbers finite, keys
strings, and nesting at most :data:`MAX_NESTING` levels. A value that breaks a rule is refused
with its JSON path, so nothing reaches the store that a later read, list or export could not
encode.
"""

from __future__ import annotations

import math
from typing import Any

MAX_NESTING = 64  # objects and arrays inside one another; the tool gateway uses the same


def value_problem(value: Any) -> str | None:
    """Why ``value`` cannot be stored as JSON, naming the JSON path; None when it can."""
    pending: list[tuple[Any, str, int]] = [(value, "$", 0)]
    while pending:
        item, path, depth = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return f"{path}: {problem}"
        elif isinstance(item, bool) or item is None or isinstance(item, int):
            continue
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"{path}: {item} is not a JSON number (NaN and infinities are not)"
        elif isinstance(item, dict | list):
            if depth >= MAX_NESTING:
                return f"{path}: nested deeper than {MAX_NESTING} levels"
            if isinstance(item, list):
                pending.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(item))
                continue
            for key, sub in item.items():
                if not isinstance(key, str):
                    return f"{path}: object key {key!r} is not a string"
                problem = text_problem(key)
                if problem:
                    return f"{path}: key {problem}"
                pending.append((sub, f"{path}.{key}", depth + 1))
        else:
            return f"{path}: {type(item).__name__} is not a JSON value"
    return None


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be written as UTF-8 (a lone surrogate), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (f"contains a lone UTF-16 surrogate (U+{ord(text[exc.start]):04X} at "
                f"character {exc.start}), which UTF-8 cannot encode")
    return None
