"""The variables ``start`` reads before the workspace is interpolated: each enabled protocol's
``env`` and ``envFile``, then ``Runtime.spec.envFile`` (default ``.env``, which may be absent).
Shell variables always win, then the most specific source; nothing set is overwritten."""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from stable_harness.errors import WorkspaceError
from stable_harness.workspace.diagnostics import Diagnostic
from stable_harness.workspace.files import workspace_files

DEFAULT_ENV_FILE = ".env"


@dataclass(frozen=True)
class EnvSource:
    """Where variables came from and which of them were set (shell variables are not)."""

    source: str
    applied: tuple[str, ...]


def _runtime_spec(root: Path) -> tuple[str | None, dict[str, Any]]:
    """The raw ``Runtime`` spec (before interpolation, which these files feed) and its file."""
    for path in workspace_files(root):
        try:
            docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError):
            continue  # `load_workspace` reports it, with its line
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") == "Runtime":
                spec = doc.get("spec")
                return str(path.relative_to(root)), spec if isinstance(spec, dict) else {}
    return None, {}


def _read(root: Path, name: str, where: str | None, field: str, *, optional: bool
          ) -> dict[str, str] | None:
    from dotenv import dotenv_values

    path = (root / name).resolve()
    if not path.is_file():
        if optional:
            return None
        raise WorkspaceError([Diagnostic("missing-env-file", f"env file {name!r} does not "
                                         f"exist ({path})", where, None, "Runtime", field)])
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def apply_env_files(root: Path, environ: MutableMapping[str, str] | None = None
                    ) -> list[EnvSource]:
    """Set the variables of the workspace's env files that ``environ`` (default
    ``os.environ``) lacks; return what was read from where."""
    env = os.environ if environ is None else environ
    root = root.resolve()
    where, spec = _runtime_spec(root)
    layers: list[tuple[str, dict[str, str]]] = []  # the most specific first
    protocols = spec.get("protocols")
    for proto, body in (protocols.items() if isinstance(protocols, dict) else ()):
        if not isinstance(body, dict) or body.get("enabled", True) is False:
            continue
        if isinstance(body.get("env"), dict):
            layers.append((f"protocols.{proto}.env",
                           {str(k): str(v) for k, v in body["env"].items()}))
        if isinstance(body.get("envFile"), str):
            found = _read(root, body["envFile"], where, f"spec.protocols.{proto}.envFile",
                          optional=False)
            layers.append((body["envFile"], found or {}))
    name = spec.get("envFile", DEFAULT_ENV_FILE)
    if isinstance(name, str):
        found = _read(root, name, where, "spec.envFile", optional="envFile" not in spec)
        if found is not None:
            layers.append((name, found))
    out = []
    for source, values in layers:
        applied = tuple(k for k in values if k not in env)
        for key in applied:
            env[key] = values[key]
        out.append(EnvSource(source, applied))
    return out
