"""Load a workspace folder: read every YAML file, type each document, check references and plugins.

Every problem found becomes a :class:`Diagnostic`; :func:`load_workspace` raises one
:class:`WorkspaceError` holding all of them, never a traceback.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from stable_harness.errors import WorkspaceError
from stable_harness.plugins.catalogue import provider_of
from stable_harness.plugins.discovery import InstalledPlugin
from stable_harness.plugins.loader import LoadPolicy
from stable_harness.plugins.manager import PluginHost
from stable_harness.workspace.diagnostics import Diagnostic, did_you_mean, format_path
from stable_harness.workspace.files import workspace_files
from stable_harness.workspace.interpolation import interpolate_tree
from stable_harness.workspace.kinds import API_VERSION, KINDS, Envelope, RuntimeSpec
from stable_harness.workspace.model import Entry, Workspace
from stable_harness.workspace.plugin_checks import check_registries, check_use
from stable_harness.workspace.plugin_uses import PluginUse, plugin_uses, runtime_uses
from stable_harness.workspace.pydantic_errors import to_diagnostics
from stable_harness.workspace.references import check_references
from stable_harness.workspace.yaml_source import SourceDocument, read_file


def _subject(data: Mapping[str, Any]) -> str | None:
    kind, meta = data.get("kind"), data.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if isinstance(kind, str) and isinstance(name, str):
        return f"{kind}/{name}"
    return kind if isinstance(kind, str) else None


def type_document(source: SourceDocument, environ: Mapping[str, str]
                  ) -> tuple[Envelope | None, list[Diagnostic]]:
    """Interpolate and validate one document against the model of its ``kind``."""
    def at(code: str, message: str, path: tuple[Any, ...] = (), hint: str = "") -> Diagnostic:
        return Diagnostic(code, message, source.file, source.line_of(path),
                          _subject(source.data) if isinstance(source.data, dict) else None,
                          format_path(path), hint)

    if not isinstance(source.data, dict):
        return None, [at("not-a-mapping", "a document must be a mapping with apiVersion, kind, "
                         f"metadata and spec, not {type(source.data).__name__}")]
    data, errors = interpolate_tree(source.data, environ)
    interpolation = [at("missing-env" if "not set" in msg else "interpolation", msg, path)
                     for path, msg in errors]
    diags: list[Diagnostic] = []
    version, kind = data.get("apiVersion"), data.get("kind")
    if version is None:
        diags.append(at("missing-field", "required field is missing", ("apiVersion",),
                        f"expected apiVersion: {API_VERSION}"))
    elif version != API_VERSION:
        diags.append(at("api-version", f"unsupported apiVersion {version!r}", ("apiVersion",),
                        f"expected {API_VERSION}"))
    if kind is None:
        diags.append(at("missing-field", "required field is missing", ("kind",),
                        "one of " + ", ".join(KINDS)))
    elif kind not in KINDS:
        diags.append(at("unknown-kind", f"unknown kind {kind!r}", ("kind",),
                        did_you_mean(str(kind), KINDS)))
    if diags:
        return None, interpolation + diags
    model = KINDS[kind]
    try:
        doc = model.model_validate(data)
    except ValidationError as exc:
        # a value that failed to interpolate is reported once, by its cause, not again as
        # the type error its unresolved text then makes
        unresolved = {format_path(path) for path, _ in errors}
        typed = [d for d in to_diagnostics(exc, model, source, _subject(data))
                 if d.path not in unresolved]
        return None, interpolation + typed
    return doc, interpolation


@dataclass
class Collected:
    """Typed documents by kind and name, names of documents that failed, and the problems."""

    inventory: dict[str, dict[str, Entry[Any]]]
    invalid: dict[str, set[str]]
    diagnostics: list[Diagnostic]


def collect_documents(root: FsPath, environ: Mapping[str, str]) -> Collected:
    """Read and type every document under ``root`` (no plugin or reference checks)."""
    inventory: dict[str, dict[str, Entry[Any]]] = {kind: {} for kind in KINDS}
    invalid: dict[str, set[str]] = {kind: set() for kind in KINDS}
    diags: list[Diagnostic] = []
    files = workspace_files(root)
    if not files:
        diags.append(Diagnostic("no-documents", f"no *.yaml or *.yml files in {root}",
                                hint=f"create one with `stable-harness init {root}`"))
    for path in files:
        sources, problems = read_file(path, path.relative_to(root).as_posix())
        diags.extend(problems)
        for source in sources:
            doc, problems = type_document(source, environ)
            diags.extend(problems)
            if doc is not None:
                diags.extend(_add(inventory, Entry(doc, source)))
            else:
                _remember(invalid, source.data)
    return Collected(inventory, invalid, diags)


def _remember(invalid: dict[str, set[str]], data: Any) -> None:
    subject = _subject(data) if isinstance(data, dict) else None
    kind, _, name = (subject or "").partition("/")
    if kind in invalid and name:
        invalid[kind].add(name)


def _add(inventory: dict[str, dict[str, Entry[Any]]], entry: Entry[Any]) -> list[Diagnostic]:
    kind, name = entry.doc.kind, entry.doc.metadata.name
    same_kind = inventory[kind]
    if kind == "Runtime" and same_kind:
        first = next(iter(same_kind.values()))
        return [Diagnostic("multiple-runtimes", "a workspace has at most one Runtime",
                           entry.source.file, entry.source.line_of(()), entry.subject,
                           hint=f"the first is {first.subject} at {first.where}")]
    if name in same_kind:
        first = same_kind[name]
        return [Diagnostic("duplicate-name", f"{kind} '{name}' is defined twice",
                           entry.source.file, entry.source.line_of(("metadata", "name")),
                           entry.subject, "metadata.name", f"first defined at {first.where}")]
    same_kind[name] = entry
    return []


def plugin_selections(inventory: Mapping[str, Mapping[str, Entry[Any]]]
          ) -> list[tuple[PluginUse, Entry[Any] | None]]:
    out: list[tuple[PluginUse, Entry[Any] | None]] = []
    if not inventory["Runtime"]:
        out.extend((use, None) for use in runtime_uses(RuntimeSpec()))
    for entries in inventory.values():
        for entry in entries.values():
            out.extend((use, entry) for use in plugin_uses(entry.doc))
    return out


def _load_plugins(inventory: Mapping[str, Mapping[str, Entry[Any]]],
                  uses: list[tuple[PluginUse, Entry[Any] | None]],
                  environ: Mapping[str, str],
                  installed: Sequence[InstalledPlugin] | None,
                  enable: Sequence[str] = (),
                  ) -> tuple[PluginHost, list[Diagnostic]]:
    runtime = next(iter(inventory["Runtime"].values()), None)
    spec = runtime.doc.spec if runtime else RuntimeSpec()
    policy = LoadPolicy.from_settings(
        enable=[*spec.plugins.enable, *enable], disable=spec.plugins.disable,
        referenced={use.name for use, _ in uses}, autoload=spec.plugins.autoload,
        environ=environ,
    )
    host = PluginHost.load(policy, installed)
    # A name is referenced by the plugin of that name. A first-party distribution whose
    # plugin is named otherwise (the `langgraph` surface is plugin `langgraph-api`'s, since
    # plugin `langgraph` is the backend) is referenced by the catalogue's word; any other
    # plugin that provides a name under another one must be enabled explicitly.
    providers = sorted({plugin.name for use, _ in uses if policy.autoload
                        and use.name not in host.registry(use.slot).entries
                        and (first := provider_of(use.slot, use.name)) is not None
                        for plugin in host.installed
                        if plugin.distribution == first.distribution
                        and plugin.name not in policy.disable})
    if providers:
        policy = dataclasses.replace(policy, referenced=policy.referenced | set(providers))
        host = PluginHost.load(policy, installed)
    diags = []
    referenced = {use.name for use, _ in uses} | set(providers)
    for error in host.report.errors:
        if error.plugin not in referenced:  # referenced ones are reported where they are used
            diags.append(_plugin_diag(runtime, spec, error.plugin, "plugin-load-failed",
                                      str(error)))
    names = sorted(p.name for p in host.installed)
    for name in sorted(host.report.missing):
        diags.append(_plugin_diag(runtime, spec, name, "unknown-plugin",
                                  f"plugin '{name}' is not installed",
                                  did_you_mean(name, names)))
    return host, diags


def _plugin_diag(runtime: Entry[Any] | None, spec: RuntimeSpec, name: str, code: str,
                 message: str, hint: str = "") -> Diagnostic:
    path: tuple[Any, ...] = ("spec", "plugins", "enable", spec.plugins.enable.index(name)) \
        if name in spec.plugins.enable else ("spec", "plugins")
    if runtime is None:
        return Diagnostic(code, message, hint=hint)
    return Diagnostic(code, message, runtime.source.file, runtime.source.line_of(path),
                      runtime.subject, format_path(path), hint)


def load_workspace(
    root: str | os.PathLike[str],
    *,
    environ: Mapping[str, str] | None = None,
    installed: Sequence[InstalledPlugin] | None = None,
    enable: Sequence[str] = (),
) -> Workspace:
    """Load and validate the workspace at ``root``; raise :class:`WorkspaceError` listing every
    problem. ``environ`` defaults to ``os.environ``; ``installed`` to the discovered plugins;
    ``enable`` loads more plugins than the workspace selects (``start``'s default surfaces)."""
    given = FsPath(root)
    env = os.environ if environ is None else environ
    if not given.is_dir():
        raise WorkspaceError([Diagnostic("not-a-workspace", f"{given} is not a directory",
                                         hint=f"create one with `stable-harness init {given}`")])
    folder = given.resolve()  # once, absolutely: every path below is relative to it
    collected = collect_documents(folder, env)
    inventory, diags = collected.inventory, collected.diagnostics
    uses = plugin_selections(inventory)
    host, plugin_diags = _load_plugins(inventory, uses, env, installed, enable)
    diags.extend(plugin_diags)
    diags.extend(check_registries(host))
    for use, entry in uses:
        diags.extend(check_use(host, use, entry))
    diags.extend(check_references(inventory, folder, collected.invalid))
    if diags:
        raise WorkspaceError(sorted(diags, key=lambda d: (d.file or "", d.line or 0)))
    return Workspace(folder, inventory, host, list(host.report.warnings))
