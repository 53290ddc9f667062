"""Building blocks for testing a plugin in-process: a plugin host with chosen plugins, a
workspace written from a dict or a YAML string, a runtime opened on it, a request run to the
end with its events, and assertions on event sequences.

The fixtures of :mod:`stable_harness.testing.pytest_plugin` are thin wrappers around these, so
the same helpers work outside pytest too.
"""

from __future__ import annotations

import importlib.metadata as md
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stable_harness.plugins.discovery import GROUP, InstalledPlugin, discover
from stable_harness.testing.workspace import write_files

if TYPE_CHECKING:
    from stable_harness.plugins.manager import PluginHost
    from stable_harness.runs.events import Event
    from stable_harness.runs.models import Run
    from stable_harness.runtime import Runtime
    from stable_harness.workspace.model import Workspace

WorkspaceSource = str | Mapping[str, Any] | Sequence[Mapping[str, Any]]
"""A YAML string (one file), a mapping of relative paths to file texts, one YAML document as
a mapping (it has a ``kind``), or a list of documents."""

API_VERSION = "stable-harness.dev/v1"


def local_plugin(name: str, module: str, distribution: str = "local-test-plugin"
                 ) -> InstalledPlugin:
    """A plugin that is importable but not installed (no entry point yet), as discovery would
    report it: ``module`` is imported when the plugin loads."""
    entry_point = md.EntryPoint(name=name, value=module, group=GROUP)
    return InstalledPlugin(name, module, distribution, "0+local", entry_point)


def installed_plugins(local: Mapping[str, str] | None = None) -> list[InstalledPlugin]:
    """Every installed plugin plus ``local`` ones (name → module); a local one replaces an
    installed plugin of the same name."""
    extra = [local_plugin(name, module) for name, module in (local or {}).items()]
    return [p for p in discover() if p.name not in (local or {})] + extra


def plugin_host(*, enable: Iterable[str] = (), disable: Iterable[str] = (),
                local: Mapping[str, str] | None = None) -> PluginHost:
    """A plugin host that loads the built-ins, ``enable`` and ``local`` plugins, never
    ``disable`` ones; the environment's ``STABLE_HARNESS_*`` switches do not apply."""
    from stable_harness.plugins.loader import LoadPolicy
    from stable_harness.plugins.manager import PluginHost

    policy = LoadPolicy(enable=frozenset(enable) | frozenset(local or {}),
                        disable=frozenset(disable))
    host = PluginHost.load(policy, installed=installed_plugins(local))
    host.report.raise_for_errors()
    return host


def _document_yaml(document: Mapping[str, Any]) -> str:
    import yaml

    return yaml.safe_dump({"apiVersion": API_VERSION, **document}, sort_keys=False)


def write_workspace(root: Path, source: WorkspaceSource) -> Path:
    """Write ``source`` (see :data:`WorkspaceSource`) as a workspace folder at ``root``."""
    if isinstance(source, str):
        return write_files(root, {"workspace.yaml": source})
    if isinstance(source, Mapping) and "kind" in source:
        source = [source]
    if isinstance(source, Mapping):
        return write_files(root, source)
    text = "---\n".join(_document_yaml(document) for document in source)
    return write_files(root, {"workspace.yaml": text})


def load(root: Path, *, local: Mapping[str, str] | None = None,
         environ: Mapping[str, str] | None = None) -> Workspace:
    """Load and validate the workspace at ``root`` with ``local`` plugins available."""
    from stable_harness.workspace import load_workspace

    return load_workspace(root, environ=environ, installed=installed_plugins(local),
                          enable=list(local or {}))


@asynccontextmanager
async def open_runtime(workspace: Path | Workspace, *, local: Mapping[str, str] | None = None,
                       recover: bool = True) -> AsyncIterator[Runtime]:
    """A runtime on ``workspace`` (a folder or a loaded workspace), closed on exit."""
    from stable_harness.runtime import Runtime

    loaded = load(workspace, local=local) if isinstance(workspace, Path) else workspace
    runtime = await Runtime.open(loaded, recover=recover)
    try:
        yield runtime
    finally:
        await runtime.close()


@dataclass(frozen=True)
class RunResult:
    """A run once it stopped (terminal or waiting for approval) and every event it wrote."""

    run: Run
    events: list[Event]

    @property
    def types(self) -> list[str]:
        """The event types in order."""
        return [str(e.type) for e in self.events]


async def run_request(runtime: Runtime, input: Any = None, *, timeout: float = 60,
                      **fields: Any) -> RunResult:
    """Run one request (``RunRequest`` fields as keywords: ``agent``, ``tool_call``…) until it
    settles, and collect its events."""
    run = await runtime.run(input, timeout=timeout, **fields)
    return RunResult(run, await runtime.store.read_events(run.id))


def assert_event_sequence(events: Sequence[Event | str], expected: Sequence[str], *,
                          exact: bool = False) -> None:
    """Assert that the types in ``expected`` occur in ``events`` in this order (other events
    may come between them, unless ``exact``). The message shows both sequences."""
    types = [e if isinstance(e, str) else str(e.type) for e in events]
    if exact:
        assert types == list(expected), f"event types {types} != expected {list(expected)}"
        return
    position = 0
    for wanted in expected:
        try:
            position = types.index(wanted, position) + 1
        except ValueError:
            raise AssertionError(
                f"expected {wanted!r} after position {position} in the event sequence\n"
                f"  expected (in order): {list(expected)}\n  actual: {types}") from None
