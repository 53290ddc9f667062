"""The workspace's run store, opened from its ``Runtime`` document alone.

``stable-harness cancel`` needs nothing but the store: loading the whole workspace (pydantic
models for every kind, every plugin, backends) tripled its start-up. This reads the YAML,
takes ``spec.store`` (and ``spec.plugins``, which decide where the store's plugin comes from)
of the ``Runtime`` document, resolves ``${...}`` references as the loader does, and builds the
store through its plugin's registration, which validates its config. Nothing else of the
workspace is validated: an operator can still cancel a run after someone broke an agent's
YAML. The returned store redacts what it writes with the workspace's secrets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stable_harness.errors import WorkspaceError
from stable_harness.store.contract import RunStore

API_VERSION = "stable-harness.dev/v1"  # as ``workspace.kinds``, which this must not import


def runtime_document(root: Path) -> tuple[dict[str, Any], list[Any]]:
    """The ``spec`` of the workspace's ``Runtime`` document (empty when there is none) and
    every document's data; raises :class:`WorkspaceError` on unreadable YAML."""
    from stable_harness.workspace.diagnostics import Diagnostic
    from stable_harness.workspace.files import workspace_files
    from stable_harness.workspace.yaml_source import read_file

    documents: list[Any] = []
    problems: list[Diagnostic] = []
    for path in workspace_files(root):
        found, diags = read_file(path, path.relative_to(root).as_posix())
        documents.extend(d.data for d in found)
        problems.extend(diags)
    if problems:
        raise WorkspaceError(problems)
    runtimes = [d for d in documents if isinstance(d, dict) and d.get("kind") == "Runtime"
                and d.get("apiVersion") == API_VERSION]
    spec = runtimes[0].get("spec") if runtimes else None
    if spec is not None and not isinstance(spec, dict):
        raise WorkspaceError([Diagnostic("invalid", "spec must be a mapping",
                                         subject="Runtime")])
    return spec or {}, documents


def open_run_store(root: Path, environ: Mapping[str, str] | None = None) -> RunStore:
    """The workspace's run store (not yet opened), built from its ``Runtime`` document."""
    from stable_harness.plugins import LoadPolicy, PluginHost
    from stable_harness.records import Slot
    from stable_harness.runtime.redacting_store import redacting
    from stable_harness.secrets import Redactor, secret_names
    from stable_harness.workspace.diagnostics import Diagnostic, format_path
    from stable_harness.workspace.interpolation import interpolate_tree

    env = os.environ if environ is None else environ
    spec, documents = runtime_document(root)
    ref, errors = interpolate_tree(spec.get("store") or {}, env, ("spec", "store"))
    if errors:
        raise WorkspaceError([Diagnostic("interpolation", message, subject="Runtime",
                                         path=format_path(path)) for path, message in errors])
    if not isinstance(ref, dict):
        raise WorkspaceError([Diagnostic("invalid", "must be a mapping", subject="Runtime",
                                         path="spec.store")])
    given = spec.get("plugins")
    plugins: dict[str, Any] = given if isinstance(given, dict) else {}
    use = str(ref.get("use", "sqlite"))
    policy = LoadPolicy.from_settings(
        enable=list(plugins.get("enable") or []), disable=list(plugins.get("disable") or []),
        referenced={use}, autoload=bool(plugins.get("autoload", True)), environ=env)
    host = PluginHost.load(policy)
    record = host.registry(Slot.RUN_STORE).get(use).record
    store: RunStore = record.create(ref.get("config") or {}, base=root)
    return redacting(store, Redactor(secret_names(spec.get("secrets") or [], documents), env))
