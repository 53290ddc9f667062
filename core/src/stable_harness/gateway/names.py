"""Stage 1: the tool name. Exact, else the one visible tool that a near miss can only mean.

A near miss is, from the closest kind to the weakest:

1. the same words (case, separators: ``Get-Weather`` → ``get_weather``);
2. the same base name with a namespace added or left out (``functions.get_weather``,
   ``mcp__weather__get_weather``, ``weather.get_weather`` → ``get_weather``; or
   ``api.rename`` → ``api.Api.rename``): the namespaces of one are segments of the other's;
3. a typo inside long words (see :mod:`~stable_harness.gateway.words`), with or without 2.

Only the closest kind that has any candidate counts; two candidates of that kind are
ambiguous and refused with both listed. A candidate still has to be confirmed by the
arguments (the pipeline checks that they fit it with nothing dropped).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from stable_harness.gateway.notes import GatewayNote, ToolRefusal
from stable_harness.gateway.words import (
    base_words,
    folded,
    is_subsequence,
    segments,
    spelling_edits,
)

SAME_WORDS, NAMESPACE, SPELLING = 0, 1, 2
CODES = {SAME_WORDS: "name_case_or_separator", NAMESPACE: "name_namespace",
         SPELLING: "name_close_spelling"}
REASONS = {SAME_WORDS: "case or separators differ",
           NAMESPACE: "a namespace prefix or segment differs",
           SPELLING: "a typo inside a word"}
LISTED = 40  # tools named in an unknown-tool refusal


@dataclass(frozen=True)
class Resolved:
    """The tool a name means; ``repaired`` when the name was a near miss."""

    tool: str
    notes: list[GatewayNote]
    repaired: bool = False


def kinship(name: str, tool: str) -> int | None:
    """How close ``name`` is to ``tool`` (``SAME_WORDS``, ``NAMESPACE``, ``SPELLING``)."""
    if folded(name) == folded(tool):
        return SAME_WORDS
    mine, theirs = segments(name), segments(tool)
    if not mine or not theirs:
        return None
    *my_ns, my_base = mine
    *their_ns, their_base = theirs
    if not (is_subsequence(tuple(my_ns), tuple(their_ns))
            or is_subsequence(tuple(their_ns), tuple(my_ns))):
        return None
    if my_base == their_base:
        return NAMESPACE
    if spelling_edits(base_words(name), base_words(tool)) is not None:
        return SPELLING
    return None


def candidates(name: str, visible: Collection[str]) -> tuple[int | None, list[str]]:
    """The closest kind of near miss and every visible tool of that kind."""
    found: dict[int, list[str]] = {}
    for tool in visible:
        kind = kinship(name, tool)
        if kind is not None:
            found.setdefault(kind, []).append(tool)
    if not found:
        return None, []
    best = min(found)
    return best, sorted(found[best])


def resolve_name(name: object, visible: Collection[str]) -> Resolved:
    """The visible tool ``name`` means, with a note when it was repaired."""
    if not isinstance(name, str) or not name.strip():
        raise ToolRefusal(str(name), "resolve", "invalid_name",
                          f"tool name must be a non-empty string, got {name!r}")
    if name in visible:
        return Resolved(name, [])
    kind, found = candidates(name, visible)
    if kind is not None and len(found) == 1:
        return Resolved(found[0], [GatewayNote("resolve", CODES[kind], "$.name", name,
                                               found[0], REASONS[kind])], True)
    if len(found) > 1:
        raise ToolRefusal(name, "resolve", "ambiguous_tool",
                          f"there is no tool '{name}'; it could mean any of "
                          f"{', '.join(found)}. Call the one you mean by its exact name.",
                          problems=[GatewayNote("resolve", "ambiguous_tool", "$.name", name,
                                                found, REASONS[kind or 0])])
    names = sorted(visible)
    shown = ", ".join(names[:LISTED]) + (f" and {len(names) - LISTED} more"
                                          if len(names) > LISTED else "")
    raise ToolRefusal(name, "resolve", "unknown_tool",
                      f"there is no tool '{name}' available to you (available: "
                      f"{shown or 'none'}). Call one of them by its exact name.")
