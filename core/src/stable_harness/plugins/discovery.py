"""Find installed plugins: entry points of the ``stable_harness`` group, with their distribution."""

from __future__ import annotations

import importlib.metadata as md
from dataclasses import dataclass

GROUP = "stable_harness"
CORE_DISTRIBUTION = "stable-harness-core"


@dataclass(frozen=True)
class InstalledPlugin:
    """One entry point of the group: plugin short name, module, and where it comes from."""

    name: str
    module: str
    distribution: str
    version: str
    entry_point: md.EntryPoint

    @property
    def builtin(self) -> bool:
        """Built-ins are the plugins shipped by the core distribution itself."""
        return _normalise(self.distribution) == CORE_DISTRIBUTION


def _normalise(dist_name: str) -> str:
    return dist_name.lower().replace("_", "-").replace(".", "-")


def discover() -> list[InstalledPlugin]:
    """Return every installed plugin, without importing any of them.

    When one distribution is visible twice on ``sys.path`` (an editable install shadowing a
    wheel), the first one found wins, as it would for ``import``.
    """
    found: dict[tuple[str, str], InstalledPlugin] = {}
    for ep in md.entry_points(group=GROUP):
        dist = ep.dist
        dist_name = dist.metadata["Name"] if dist is not None else "unknown"
        version = dist.version if dist is not None else "unknown"
        key = (ep.name, _normalise(dist_name))
        found.setdefault(
            key,
            InstalledPlugin(
                name=ep.name,
                module=ep.value,
                distribution=dist_name,
                version=version,
                entry_point=ep,
            ),
        )
    return sorted(found.values(), key=lambda p: (not p.builtin, p.name, p.distribution))
