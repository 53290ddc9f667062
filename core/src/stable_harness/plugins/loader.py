"""Load plugin modules with stevedore, each in isolation, and register them with pluggy.

Which plugins load is decided here and nowhere else (see ``docs/plugins.md``, "Loading"):

* built-ins (entry points of ``stable-harness-core``) always load unless blocked;
* a plugin is *selected* when the workspace enables it (``Runtime.spec.plugins.enable``,
  ``STABLE_HARNESS_PLUGINS``) or, while autoload is on, refers to it by name;
* blocked plugins (``Runtime.spec.plugins.disable``, ``STABLE_HARNESS_DISABLED_PLUGINS``) are never
  imported, like pytest's ``-p no:NAME``;
* a selected plugin that fails to import is an error carrying the original cause; any other
  failure is a warning (an error with ``STABLE_HARNESS_STRICT_PLUGINS=1``).
"""

from __future__ import annotations

import importlib.metadata as md
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pluggy
from stevedore import NamedExtensionManager

from stable_harness.errors import PluginLoadError
from stable_harness.plugins.discovery import GROUP, InstalledPlugin

ENV_DISABLE_AUTOLOAD = "STABLE_HARNESS_DISABLE_PLUGIN_AUTOLOAD"
ENV_PLUGINS = "STABLE_HARNESS_PLUGINS"
ENV_DISABLED = "STABLE_HARNESS_DISABLED_PLUGINS"
ENV_STRICT = "STABLE_HARNESS_STRICT_PLUGINS"


def _env_list(environ: Mapping[str, str], key: str) -> frozenset[str]:
    return frozenset(part.strip() for part in environ.get(key, "").split(",") if part.strip())


def _env_flag(environ: Mapping[str, str], key: str) -> bool:
    return environ.get(key, "").strip().lower() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class LoadPolicy:
    """What to load. Build it with :meth:`from_settings` so environment switches apply."""

    enable: frozenset[str] = frozenset()
    referenced: frozenset[str] = frozenset()
    disable: frozenset[str] = frozenset()
    autoload: bool = True
    load_all: bool = False
    strict: bool = False

    @classmethod
    def from_settings(
        cls,
        *,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
        referenced: Iterable[str] = (),
        autoload: bool = True,
        load_all: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> LoadPolicy:
        """Combine workspace settings with the ``STABLE_HARNESS_*`` environment switches."""
        env = os.environ if environ is None else environ
        return cls(
            enable=frozenset(enable) | _env_list(env, ENV_PLUGINS),
            referenced=frozenset(referenced),
            disable=frozenset(disable) | _env_list(env, ENV_DISABLED),
            autoload=autoload and not _env_flag(env, ENV_DISABLE_AUTOLOAD),
            load_all=load_all,
            strict=_env_flag(env, ENV_STRICT),
        )

    def selected(self, installed: Collection[str]) -> frozenset[str]:
        """Names the workspace asks for, explicitly or by reference: their failures are errors."""
        return (self.enable | (self.referenced & frozenset(installed))) - self.disable

    def should_load(self, plugin: InstalledPlugin) -> bool:
        """Built-ins, explicitly enabled plugins, referenced ones while autoload is on, or all."""
        return (
            plugin.builtin
            or self.load_all
            or plugin.name in self.enable
            or (self.autoload and plugin.name in self.referenced)
        )


class PluginStatus(StrEnum):
    """State of an installed plugin after loading."""

    LOADED = "loaded"
    DISABLED = "disabled"
    FAILED = "failed"
    AVAILABLE = "available"


@dataclass
class PluginState:
    """One installed plugin, its status, and why (for ``failed`` and ``disabled``)."""

    plugin: InstalledPlugin
    status: PluginStatus
    selected: bool = False
    reason: str = ""
    error: BaseException | None = None


@dataclass
class LoadReport:
    """Outcome of one load: a state per installed plugin, plus warnings and errors."""

    states: list[PluginState] = field(default_factory=list)
    missing: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)
    errors: list[PluginLoadError] = field(default_factory=list)

    def state(self, name: str) -> PluginState | None:
        """The state of the first installed plugin called ``name``."""
        return next((s for s in self.states if s.plugin.name == name), None)

    def raise_for_errors(self) -> None:
        """Raise the first error for a selected plugin (the CLI reports all via the workspace)."""
        if self.errors:
            raise self.errors[0]


class _Manager(NamedExtensionManager):  # type: ignore[type-arg]
    """stevedore manager over the entry points we already discovered (keeps distribution info)."""

    def __init__(self, entry_points: Sequence[md.EntryPoint], **kwargs: Any) -> None:
        self._given = list(entry_points)
        super().__init__(GROUP, names=[ep.name for ep in entry_points], **kwargs)

    def list_entry_points(self) -> list[md.EntryPoint]:
        return self._given


def load_plugins(
    pm: pluggy.PluginManager, installed: Sequence[InstalledPlugin], policy: LoadPolicy
) -> LoadReport:
    """Import what ``policy`` asks for, register it into ``pm``, and report every plugin's state."""
    names = {p.name for p in installed}
    selected = policy.selected(names)
    report = LoadReport(missing=frozenset(policy.enable - names - policy.disable))
    seen: dict[str, InstalledPlugin] = {}
    to_load: list[PluginState] = []
    for plugin in installed:
        state = PluginState(plugin, PluginStatus.AVAILABLE, selected=plugin.name in selected)
        report.states.append(state)
        if plugin.name in policy.disable:
            pm.set_blocked(plugin.name)
            state.status, state.reason = PluginStatus.DISABLED, "blocked by configuration"
        elif plugin.name in seen:
            first = seen[plugin.name]
            _fail(report, state, policy, RuntimeError(
                f"plugin name '{plugin.name}' is also provided by {first.distribution} "
                f"{first.version}; uninstall one of them"))
        elif policy.should_load(plugin):
            to_load.append(state)
        seen.setdefault(plugin.name, plugin)
    failures: dict[str, BaseException] = {}
    manager = _Manager(
        [s.plugin.entry_point for s in to_load],
        on_load_failure_callback=lambda _m, ep, err: failures.__setitem__(ep.name, err),
        on_missing_entrypoints_callback=None,
    )
    loaded = {ext.name: ext.plugin for ext in manager.extensions}
    for state in to_load:
        name = state.plugin.name
        if name in failures:
            _fail(report, state, policy, failures[name])
            continue
        try:
            pm.register(loaded[name], name=name)
            _check_hooks(pm, loaded[name])
        except (ValueError, pluggy.PluginValidationError) as exc:
            if pm.has_plugin(name):
                pm.unregister(name=name)
            _fail(report, state, policy, exc)
            continue
        state.status = PluginStatus.LOADED
    return report


def _check_hooks(pm: pluggy.PluginManager, plugin: object) -> None:
    """A ``stable_harness_*`` function without a spec is a typo, reported against its plugin
    (``pm.check_pending`` would raise for the whole process instead)."""
    for caller in pm.get_hookcallers(plugin) or ():
        if caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and not impl.opts.get("optionalhook"):
                known = ", ".join(
                    sorted(n for n in dir(pm.hook) if n.startswith("stable_harness_")))
                raise pluggy.PluginValidationError(
                    plugin, f"unknown hook {caller.name!r} (known hooks: {known})")


def _fail(report: LoadReport, state: PluginState, policy: LoadPolicy, exc: BaseException) -> None:
    state.status, state.error = PluginStatus.FAILED, exc
    state.reason = f"{type(exc).__name__}: {exc}"
    plugin = state.plugin
    if state.selected or policy.strict:
        report.errors.append(PluginLoadError(plugin.name, plugin.distribution, exc))
    else:
        report.warnings.append(
            f"plugin '{plugin.name}' (from {plugin.distribution}) failed to load and was skipped: "
            f"{state.reason}"
        )
