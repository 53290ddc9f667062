"""Plugin discovery (entry points), loading (stevedore), calling (pluggy) and registries."""

from stable_harness.plugins.discovery import GROUP, InstalledPlugin, discover
from stable_harness.plugins.loader import LoadPolicy, LoadReport, PluginStatus
from stable_harness.plugins.manager import PluginHost, make_plugin_manager
from stable_harness.plugins.registry import Registry

__all__ = [
    "GROUP",
    "InstalledPlugin",
    "LoadPolicy",
    "LoadReport",
    "PluginHost",
    "PluginStatus",
    "Registry",
    "discover",
    "make_plugin_manager",
]
