"""The first-party catalogue (install hints) says exactly what each installed first-party
distribution provides, and where in this repository it lives."""

from __future__ import annotations

from pathlib import Path

from stable_harness.plugins import LoadPolicy, PluginHost
from stable_harness.plugins.catalogue import FIRST_PARTY, PLANNED
from stable_harness.records import Slot

ROOT = Path(__file__).resolve().parents[1]


def test_the_catalogue_matches_the_installed_plugins() -> None:
    host = PluginHost.load(LoadPolicy.from_settings(load_all=True))
    provided: dict[str, dict[Slot, set[str]]] = {}
    for slot in Slot:
        for name, found in host.registry(slot).entries.items():
            if not found.plugin.builtin:
                provided.setdefault(found.plugin.distribution, {}).setdefault(slot, set()).add(
                    name)
    listed = {d.distribution: {s: set(n) for s, n in d.provides.items()} for d in FIRST_PARTY}
    assert listed == provided
    for dist in FIRST_PARTY:
        assert (ROOT / dist.folder / "pyproject.toml").is_file(), dist.folder
    # a planned name that some plugin now provides belongs in FIRST_PARTY instead
    provided_names = {(s, n) for slots in provided.values() for s, names in slots.items()
                      for n in names}
    assert not provided_names & set(PLANNED)
