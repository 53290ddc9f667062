"""A validation finding that names the file, line, document and YAML path."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
Path = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """``("spec", "tools", 1)`` -> ``spec.tools[1]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A short hint listing the closest candidates, or every candidate when none is close."""
    options = sorted(set(candidates))
    close = difflib.get_close_matches(name, options, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if options:
        return "known: " + ", ".join(f"'{c}'" for c in options)
    return "none are defined"


@dataclass(frozen=True)
class Diagnostic:
    """One error in a workspace. ``code`` is stable (tests and scripts match on it)."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    subject: str | None = None
    path: str = ""
    hint: str = ""

    def location(self) -> str:
        """``agents.yaml:12 Agent/orchestra spec.tools[1]`` (parts that are known)."""
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.subject:
            parts.append(self.subject)
        if self.path:
            parts.append(self.path)
        return " ".join(parts)

    def render(self) -> str:
        """The line the CLI prints."""
        text = f"{self.location()}: {self.message}" if self.location() else self.message
        return f"{text}; {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form for ``--json``."""
        return asdict(self)
