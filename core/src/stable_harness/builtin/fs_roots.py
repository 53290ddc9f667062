"""The ``fs-roots`` policy: file arguments must resolve inside configured folders.

Paths are resolved the way the operating system will: relative to the workspace, ``..``
collapsed, symlinks followed (``realpath``). A path that does not exist yet is resolved
through its nearest existing parent, so a symlinked parent cannot smuggle a new file out.
Containment is checked on the resolved paths component by component, so ``/srv/data_evil``
is not inside ``/srv/data``. Tools tagged ``mutating`` need a ``write`` root.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from stable_harness.builtin.policy_config import FsRootsConfig
from stable_harness.gateway.arguments import guarded_strings
from stable_harness.gateway.policy import PolicyCall, PolicyDecision, Verdict


def resolve(path: str, base: Path) -> Path:
    """The real path ``path`` names (symlinks followed, missing tail resolved by parent).

    Raises :class:`ValueError` for a path the OS cannot take (a NUL byte)."""
    if "\x00" in path:
        raise ValueError("it contains a NUL byte")
    candidate = Path(os.path.expanduser(path))
    if not candidate.is_absolute():
        candidate = base / candidate
    return Path(os.path.realpath(candidate))


PATH_FORMATS = ("path", "file-path", "filepath")


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
        for where, value in guarded_strings(call.arguments, call.parameters,
                                            self.config.path_arguments, PATH_FORMATS):
            try:
                target = resolve(value, call.root)
            except (ValueError, OSError) as exc:  # a NUL byte, a name the OS cannot take
                out.append(PolicyDecision(Verdict.DENY, "fs-roots",
                                          f"{value!r} is not a usable path ({exc})", where))
                continue
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
