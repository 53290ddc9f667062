"""The ``fs-roots`` policy: file arguments must resolve inside configured folders.

Paths are resolved the way the operating system will: relative to the workspace, ``..``
collapsed, symlinks followed (``realpath``). A path that does not exist yet is resolved
through its nearest existing parent, so a symlinked parent cannot smuggle a new file out.
Containment is checked on the resolved paths component by component, so ``/srv/data_evil``
is not inside ``/srv/data``. Tools tagged ``mutating`` need a ``write`` root.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from stable_harness.builtin.policy_config import FsRootsConfig
from stable_harness.gateway.policy import PolicyCall, PolicyDecision, Verdict


def resolve(path: str, base: Path) -> Path:
    """The real path ``path`` names (symlinks followed, missing tail resolved by parent)."""
    candidate = Path(os.path.expanduser(path))
    if not candidate.is_absolute():
        candidate = base / candidate
    return Path(os.path.realpath(candidate))


class FsRootsPolicy:
    """See the module docstring."""

    def __init__(self, config: FsRootsConfig) -> None:
        self.config = config

    def judge(self, call: PolicyCall) -> Sequence[PolicyDecision]:
        if not (self.config.all_tools or "filesystem" in call.tags):
            return []
        roots = [(resolve(r.path, call.root), r.mode) for r in self.config.roots]
        writing = "mutating" in call.tags
        out = []
        for where, value in self._paths(call.arguments, call.parameters, "$"):
            target = resolve(value, call.root)
            inside = [mode for root, mode in roots if target.is_relative_to(root)]
            if not inside:
                out.append(PolicyDecision(Verdict.DENY, "fs-roots",
                                          f"'{value}' resolves to {target}, outside the "
                                          "allowed folders", where))
            elif writing and "write" not in inside:
                out.append(PolicyDecision(Verdict.DENY, "fs-roots",
                                          f"'{value}' is in a read-only folder and "
                                          f"'{call.tool}' changes files", where))
        return out

    def _paths(self, value: Any, schema: Any, where: str) -> Iterator[tuple[str, str]]:
        props = schema.get("properties", {}) if isinstance(schema, dict) else {}
        if isinstance(value, dict):
            for key, item in value.items():
                sub = props.get(key, {})
                named = key in self.config.path_arguments or \
                    (isinstance(sub, dict) and sub.get("format") == "path")
                if named and isinstance(item, str):
                    yield f"{where}.{key}", item
                elif named and isinstance(item, list):
                    yield from ((f"{where}.{key}[{i}]", v) for i, v in enumerate(item)
                                if isinstance(v, str))
                else:
                    yield from self._paths(item, sub, f"{where}.{key}")
        elif isinstance(value, list):
            items = schema.get("items", {}) if isinstance(schema, dict) else {}
            for i, item in enumerate(value):
                yield from self._paths(item, items, f"{where}[{i}]")
