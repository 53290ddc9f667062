"""Names as words: how the gateway compares tool names and argument keys.

Two spellings of a name are the same name when their words are the same (case style and
separators differ: ``startDate``, ``start_date``, ``Start-Date``). A *typo* is a small edit
inside one long word (``weathr`` → ``weather``); it never crosses to another word (``rename``
is not ``delete``), never changes a number (``v1`` is not ``v2``) and never adds or removes a
plural ending (``config`` is not ``configs``), because those spell a different thing.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_]+")
_NAMESPACE = re.compile(r"\.|/|::?|__+")
MIN_TYPO_LENGTH = 5  # shorter words differ by one letter too often: get/set, post/past
PLURAL_ENDINGS = ("s", "es")


@lru_cache(maxsize=8192)
def words(name: str) -> tuple[str, ...]:
    """The lower-case words of ``name`` (camelCase, snake_case, kebab-case, dotted)."""
    return tuple(w.lower() for w in _WORD.findall(name))


@lru_cache(maxsize=8192)
def folded(name: str) -> str:
    """``name`` with case and separators removed: equal for same-word spellings."""
    return "".join(words(name))


@lru_cache(maxsize=8192)
def segments(name: str) -> tuple[str, ...]:
    """Namespace segments (``.``, ``/``, ``:``, ``__``), each folded; the last is the base."""
    return tuple(f for f in (folded(part) for part in _NAMESPACE.split(name)) if f)


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of ``a`` and ``b``, or ``limit + 1`` if larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _plural_pair(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return any(long == short + ending for ending in PLURAL_ENDINGS)


def word_typo(a: str, b: str) -> int | None:
    """Edits between two words when one can be a typo of the other, else None."""
    if a == b:
        return 0
    if a.isdigit() or b.isdigit() or min(len(a), len(b)) < MIN_TYPO_LENGTH:
        return None
    if a[0] != b[0] or _plural_pair(a, b):
        return None
    limit = 1 if max(len(a), len(b)) <= 8 else 2
    distance = _edits(a, b, limit)
    return distance if distance <= limit else None


def spelling_edits(a: tuple[str, ...], b: tuple[str, ...], limit: int = 2) -> int | None:
    """Total typo edits when ``a`` and ``b`` are the same words but for typos, else None."""
    if len(a) != len(b):
        return None
    total = 0
    for x, y in zip(a, b, strict=True):
        edits = word_typo(x, y)
        if edits is None:
            return None
        total += edits
    return total if 0 < total <= limit else None


@lru_cache(maxsize=8192)
def base_words(name: str) -> tuple[str, ...]:
    """Words of the last non-empty namespace segment (the base name)."""
    parts = [part for part in _NAMESPACE.split(name) if words(part)]
    return words(parts[-1]) if parts else ()


def is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Every item of ``short`` in ``long``, in order."""
    it = iter(long)
    return all(any(item == other for other in it) for item in short)
