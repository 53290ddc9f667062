"""The plugin manager factory and :class:`PluginHost`, the typed facade the rest of core uses."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pluggy
from pluggy import HookImpl

from stable_harness import hookspecs
from stable_harness.plugins.discovery import InstalledPlugin, discover
from stable_harness.plugins.loader import LoadPolicy, LoadReport, PluginStatus, load_plugins
from stable_harness.plugins.registry import Registry, build_registry
from stable_harness.records import PluginInfo, Registered, Slot

ENV_TRACE = "STABLE_HARNESS_TRACE_HOOKS"
_log = logging.getLogger("stable_harness.hooks")


def make_plugin_manager() -> pluggy.PluginManager:
    """Create a fresh manager with every hook specification added and nothing registered."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.hook.stable_harness_add_hookspecs.call_historic(kwargs={"pluginmanager": pm})
    if os.environ.get(ENV_TRACE, "") not in ("", "0"):
        pm.add_hookcall_monitoring(_trace_before, _trace_after)
    return pm


def _trace_before(hook_name: str, impls: Sequence[HookImpl], kwargs: Mapping[str, Any]) -> None:
    _log.warning("hook %s -> %s", hook_name, [i.plugin_name for i in impls])


def _trace_after(
    outcome: Any, hook_name: str, impls: Sequence[HookImpl], kwargs: Mapping[str, Any]
) -> None:
    _log.warning("hook %s done (%s)", hook_name, "error" if outcome.exception else "ok")


class PluginHost:
    """Loaded plugins plus the registries built from them (one per slot, built on demand)."""

    def __init__(
        self,
        pm: pluggy.PluginManager,
        installed: Sequence[InstalledPlugin],
        report: LoadReport,
        policy: LoadPolicy,
    ) -> None:
        self.pm = pm
        self.installed = list(installed)
        self.report = report
        self.policy = policy
        self._registries: dict[Slot, Registry] = {}
        self._surveyed: PluginHost | None = None

    @classmethod
    def load(
        cls, policy: LoadPolicy | None = None, installed: Sequence[InstalledPlugin] | None = None
    ) -> PluginHost:
        """Discover installed plugins and load what ``policy`` selects (default: built-ins)."""
        policy = policy or LoadPolicy.from_settings()
        installed = discover() if installed is None else installed
        pm = make_plugin_manager()
        report = load_plugins(pm, installed, policy)
        pm.check_pending()
        return cls(pm, installed, report, policy)

    def plugin_info(self, name: str) -> PluginInfo:
        """Provenance of a registered plugin (by plugin name)."""
        state = self.report.state(name)
        if state is None:
            return PluginInfo(name, "unknown", "unknown", builtin=False)
        p = state.plugin
        return PluginInfo(p.name, p.distribution, p.version, p.builtin)

    def registry(self, slot: Slot) -> Registry:
        """The registry for ``slot``; name clashes are in its ``problems``."""
        if slot not in self._registries:
            self._registries[slot] = build_registry(self.pm, slot, self.plugin_info)
        return self._registries[slot]

    def available(self, slot: Slot) -> dict[str, Registered]:
        """Every implementation of ``slot`` installed: loaded ones, then those of plugins not
        loaded (surveyed like :meth:`survey`; loading them is up to the caller)."""
        self.survey(slot)
        surveyed = {} if self._surveyed is None else self._surveyed.registry(slot).entries
        return {**surveyed, **self.registry(slot).entries}

    def survey(self, slot: Slot) -> dict[str, PluginInfo]:
        """Which not-yet-loaded plugins provide which names in ``slot``.

        Used only to explain an unknown name: loads every installed, non-blocked plugin into a
        throwaway manager (once per host), so nothing here changes what this host has loaded.
        """
        unloaded = [s.plugin for s in self.report.states if s.status == PluginStatus.AVAILABLE]
        if not unloaded:
            return {}
        if self._surveyed is None:
            policy = LoadPolicy(disable=self.policy.disable, load_all=True)
            self._surveyed = PluginHost.load(policy, installed=unloaded)
        registry = self._surveyed.registry(slot)
        return {name: entry.plugin for name, entry in registry.entries.items()}

    def statuses(self) -> list[dict[str, Any]]:
        """Every installed plugin with its slots and status, for ``plugins list``."""
        rows: list[dict[str, Any]] = []
        provided = self._provided_by_plugin()
        for state in self.report.states:
            p = state.plugin
            rows.append(
                {
                    "name": p.name,
                    "slots": provided.get(p.name, []),
                    "distribution": p.distribution,
                    "version": p.version,
                    "builtin": p.builtin,
                    "status": str(state.status),
                    "selected": state.selected,
                    "reason": state.reason,
                }
            )
        return rows

    def _provided_by_plugin(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for slot in Slot:
            for name, entry in self.registry(slot).entries.items():
                out.setdefault(entry.plugin.name, []).append(f"{slot}:{name}")
        return out
