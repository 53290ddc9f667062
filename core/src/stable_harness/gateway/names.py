"""Stage 1: the tool name. Exact, else one unambiguous near miss among the visible tools."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection

from stable_harness.gateway.notes import GatewayNote, ToolRefusal

_SEPARATORS = re.compile(r"[\s_\-.]+")
CLOSE_SPELLING = 0.85
CLEAR_MARGIN = 0.05  # the best spelling must beat the runner-up by this much


def _clearly_best(name: str, close: list[str]) -> bool:
    if len(close) == 1:
        return True
    ratios = [difflib.SequenceMatcher(None, name, c).ratio() for c in close]
    return ratios[0] - ratios[1] >= CLEAR_MARGIN


def _folded(name: str) -> str:
    return _SEPARATORS.sub("", name).lower()


def resolve_name(name: object, visible: Collection[str]) -> tuple[str, list[GatewayNote]]:
    """The visible tool ``name`` means, with a note when it was repaired."""
    if not isinstance(name, str) or not name:
        raise ToolRefusal(str(name), "resolve", "invalid_name",
                          f"tool name must be a non-empty string, got {name!r}")
    if name in visible:
        return name, []
    folded = [t for t in visible if _folded(t) == _folded(name)]
    if len(folded) == 1:
        return folded[0], [GatewayNote("resolve", "name_case_or_separator", "$.name", name,
                                       folded[0], "case or separators differ")]
    close = difflib.get_close_matches(name, list(visible), n=2, cutoff=CLOSE_SPELLING)
    if close and _clearly_best(name, close):
        return close[0], [GatewayNote("resolve", "name_close_spelling", "$.name", name, close[0],
                                      "one visible tool is a clearly closer spelling")]
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise ToolRefusal(name, "resolve", "unknown_tool",
                      f"there is no tool '{name}' available to you (available: "
                      f"{', '.join(sorted(visible)) or 'none'}){hint}")
