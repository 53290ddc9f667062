"""Secrets: ``${secret:NAME}`` values and declared secret variables.

A ``${secret:NAME}`` in the workspace is left as written when the workspace loads (validation
only checks that ``NAME`` is set) and is resolved from the environment when the thing that
needs it is built (a model client, a tool). Every secret value — those referenced that way and
those of the variables listed in ``Runtime.spec.secrets`` — is replaced by ``[secret:NAME]``
in everything the runtime persists or prints: events (so streams and sinks), run outputs and
errors, the tool-call ledger, approvals, exports and its error messages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

SECRET_TOKEN = re.compile(r"\$\{secret:([A-Za-z_][A-Za-z0-9_]*)\}")
MIN_LENGTH = 4  # shorter values would redact ordinary text


def referenced(data: Any) -> set[str]:
    """Names of every ``${secret:NAME}`` in a tree of YAML values."""
    if isinstance(data, str):
        return set(SECRET_TOKEN.findall(data))
    if isinstance(data, dict):
        return set().union(*(referenced(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(referenced(v) for v in data)) if data else set()
    return set()


def resolve(data: Any, environ: Mapping[str, str] | None = None) -> Any:
    """``data`` with every ``${secret:NAME}`` replaced by its value (at execution time)."""
    env = os.environ if environ is None else environ
    if isinstance(data, str):
        return SECRET_TOKEN.sub(lambda m: env.get(m.group(1), m.group(0)), data)
    if isinstance(data, dict):
        return {k: resolve(v, env) for k, v in data.items()}
    if isinstance(data, list):
        return [resolve(v, env) for v in data]
    return data


class Redactor:
    """Replaces secret values by ``[secret:NAME]`` in strings, trees and records."""

    def __init__(self, names: Iterable[str], environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.values = {env[n]: n for n in sorted(set(names))
                       if len(env.get(n, "")) >= MIN_LENGTH}
        self._pattern = re.compile("|".join(re.escape(v) for v in
                                            sorted(self.values, key=len, reverse=True))) \
            if self.values else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, value: str) -> str:
        """One string, redacted."""
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: f"[secret:{self.values[m.group(0)]}]", value)

    def tree(self, value: Any) -> Any:
        """A JSON-like tree, redacted (the same object when nothing changes)."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.tree(v)
                    for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.tree(v) for v in value]
        return value

    def record(self, obj: Any, *fields: str) -> Any:
        """A dataclass with ``fields`` redacted (a copy)."""
        if self._pattern is None:
            return obj
        return replace(obj, **{f: self.tree(getattr(obj, f)) for f in fields})


def redact_batch(redactor: Redactor, batch: Any) -> Any:
    """A :class:`~stable_harness.store.contract.WriteBatch` with secrets redacted."""
    if not redactor:
        return batch
    from stable_harness.store.contract import RunPatch

    batch.new_runs = [redactor.record(r, "input", "output", "error") for r in batch.new_runs]
    batch.patches = [RunPatch(p.run_id, {k: redactor.tree(v) if k in ("output", "error")
                                         else v for k, v in p.fields.items()})
                     for p in batch.patches]
    batch.events = [redactor.record(e, "payload") for e in batch.events]
    batch.approvals = [redactor.record(a, "action") for a in batch.approvals]
    batch.ledger = [redactor.record(e, "arguments", "result", "error") for e in batch.ledger]
    batch.attempts = [redactor.record(a, "error") for a in batch.attempts]
    return batch


def workspace_secret_names(workspace: Any) -> set[str]:
    """Declared secret variables plus every ``${secret:NAME}`` the documents reference."""
    names = set(workspace.runtime.secrets)
    for entries in workspace.documents.values():
        for entry in entries.values():
            names |= referenced(entry.doc.model_dump(mode="json"))
    return names
