"""``${env:NAME}`` and ``${env:NAME:-default}`` in string values; ``$${`` is a literal ``${``.

``${secret:NAME}`` is checked (the variable must be set) but left as written: it is resolved
where it is used, see :mod:`stable_harness.secrets`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from stable_harness.workspace.diagnostics import Path

_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_ENV = re.compile(r"^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$", re.DOTALL)
_SECRET = re.compile(r"^secret:([A-Za-z_][A-Za-z0-9_]*)$")
SYNTAX_HELP = ("write ${env:NAME}, ${env:NAME:-default} or ${secret:NAME}; "
               "$${ is a literal ${")


class InterpolationError(ValueError):
    """A reference that cannot be resolved; the message says which and why."""


def interpolate(value: str, environ: Mapping[str, str]) -> str:
    """Resolve every reference in one string."""

    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text == "$${":
            return "${"
        if match.group(1) is None:
            raise InterpolationError(f"unterminated '${{' in {value!r}; {SYNTAX_HELP}")
        secret = _SECRET.match(match.group(1))
        if secret is not None:  # resolved when used, never stored resolved (secrets.py)
            if secret.group(1) not in environ:
                raise InterpolationError(
                    f"secret {secret.group(1)} is not set (set the environment variable "
                    f"{secret.group(1)})")
            return text
        ref = _ENV.match(match.group(1))
        if ref is None:
            raise InterpolationError(f"unknown reference '{text}'; {SYNTAX_HELP}")
        name, default = ref.group(1), ref.group(2)
        if name in environ:
            return environ[name]
        if default is not None:
            return default
        raise InterpolationError(
            f"environment variable {name} is not set and '{text}' has no default "
            f"(set it, or write ${{env:{name}:-default}})"
        )

    return _TOKEN.sub(replace, value) if "$" in value else value


def interpolate_tree(
    data: Any, environ: Mapping[str, str], path: Path = ()
) -> tuple[Any, list[tuple[Path, str]]]:
    """Resolve references in every string value (keys are left alone); collect every error."""
    errors: list[tuple[Path, str]] = []

    def walk(node: Any, at: Path) -> Any:
        if isinstance(node, str):
            try:
                return interpolate(node, environ)
            except InterpolationError as exc:
                errors.append((at, str(exc)))
                return node
        if isinstance(node, dict):
            return {k: walk(v, (*at, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*at, i)) for i, v in enumerate(node)]
        return node

    return walk(data, path), errors
