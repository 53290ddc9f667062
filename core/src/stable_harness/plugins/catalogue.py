"""Which first-party distribution provides which name, so an unknown name gets a hint that
names the package that really provides it, installed from this repository while the packages
are not published. ``tests`` check this table against the installed plugins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stable_harness.records import Slot


@dataclass(frozen=True)
class FirstParty:
    """A first-party distribution and the folder of this repository that holds it."""

    distribution: str
    folder: str
    provides: dict[Slot, tuple[str, ...]]

    def install(self) -> str:
        """How to install it."""
        return (f"pip install {self.distribution} (from a checkout of this repository: "
                f"pip install ./{self.folder})")


FIRST_PARTY: tuple[FirstParty, ...] = (
    FirstParty("stable-harness-langgraph", "plugins/langgraph", {
        Slot.BACKEND: ("langgraph",),
        Slot.MODEL_PROVIDER: ("anthropic", "ollama", "openai", "openai-compatible"),
        Slot.EMBEDDINGS_PROVIDER: ("ollama", "openai", "openai-compatible")}),
    FirstParty("stable-harness-deepagents", "plugins/deepagents", {
        Slot.BACKEND: ("deepagents",)}),
    FirstParty("stable-harness-http", "plugins/http", {
        Slot.SURFACE: ("http", "openaiCompatible")}),
    FirstParty("stable-harness-mcp", "plugins/mcp", {
        Slot.TOOL_SOURCE: ("mcp",), Slot.SURFACE: ("mcp",)}),
    FirstParty("stable-harness-langgraph-api", "plugins/langgraph-api", {
        Slot.SURFACE: ("langgraph",)}),
)

#: Names the product documents promise that no distribution provides yet: what they are.
PLANNED: dict[tuple[Slot, str], str] = {
    (Slot.SURFACE, "a2a"): "the A2A protocol",
    (Slot.SURFACE, "agUi"): "the AG-UI protocol",
    (Slot.SURFACE, "acp"): "the Agent Client Protocol",
}


def provider_of(slot: Slot, name: str) -> FirstParty | None:
    """The first-party distribution that provides ``name`` in ``slot``."""
    return next((d for d in FIRST_PARTY if name in d.provides.get(slot, ())), None)


def install_hint(slot: Slot, name: str, elsewhere: Iterable[tuple[Slot, str]] = ()) -> str:
    """What to install for ``name`` in ``slot``. ``elsewhere`` lists ``(slot, distribution)``
    of installed plugins that provide the same name in another slot (so the hint can say
    that an installed package is not the one)."""
    also = "; ".join(f"{dist} is installed but provides only the {other} '{name}'"
                     for other, dist in elsewhere if other is not slot)
    also = f" ({also})" if also else ""
    found = provider_of(slot, name)
    if found is not None:
        return f"{slot} '{name}' is provided by {found.distribution}{also}: {found.install()}"
    planned = PLANNED.get((slot, name))
    if planned is not None:
        return (f"{slot} '{name}' is {planned}, served by a plugin that is not part of this "
                f"installation{also}; install that plugin to use it, or remove "
                f"'{name}' from the workspace until then")
    return (f"no first-party package provides {slot} '{name}'{also}; install the package "
            "that does (`stable-harness plugins list` shows what is installed)")
