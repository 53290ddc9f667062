"""Secrets: ``${secret:NAME}`` values and declared secret variables.

A ``${secret:NAME}`` in the workspace is left as written when the workspace loads (validation
only checks that ``NAME`` is set) and is resolved from the environment when the thing that
needs it is built (a model client, a tool). Every secret value — those referenced that way and
those of the variables listed in ``Runtime.spec.secrets`` — is replaced by ``[secret:NAME]``
in everything the runtime persists or prints: request data (input, metadata, memory, a direct
tool call's arguments, the idempotency key), events (so streams and sinks), run outputs and
errors, the tool-call ledger, approvals (action, reason, decision message and edited
arguments), artifacts (name and content), exports and its error messages. Streamed output is
redacted with a carry-over window (:meth:`Redactor.held_back`), so a secret split across
pieces never reappears when they are joined.
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

    def data(self, content: bytes) -> bytes:
        """Bytes with every secret's UTF-8 form replaced (artifact contents)."""
        if self._pattern is None:
            return content
        for value, name in self.values.items():
            content = content.replace(value.encode("utf-8"), f"[secret:{name}]".encode())
        return content

    def held_back(self, text: str) -> int:
        """How many trailing characters of ``text`` (already redacted) to hold back from a
        stream: the longest suffix that begins some secret, which the next piece of the
        stream could complete. Emitting only what is before it means that no sequence of
        streamed pieces, joined, contains a secret."""
        longest = 0
        for value in self.values:
            for size in range(min(len(value) - 1, len(text)), longest, -1):
                if text.endswith(value[:size]):
                    longest = size
                    break
        return longest

    def request(self, request: Any) -> Any:
        """A :class:`~stable_harness.runs.RunRequest` with secrets redacted in everything
        that is stored: input, metadata, memory, the direct tool call's arguments and the
        idempotency key (so the same request maps to the same stored key)."""
        if self._pattern is None:
            return request
        call = request.tool_call
        return replace(
            request, input=self.tree(request.input), metadata=self.tree(request.metadata),
            memory=self.tree(request.memory),
            idempotency_key=None if request.idempotency_key is None
            else self.text(request.idempotency_key),
            tool_call=None if call is None else replace(call, arguments=self.tree(
                call.arguments)))


def redact_batch(redactor: Redactor, batch: Any) -> Any:
    """A :class:`~stable_harness.store.contract.WriteBatch` with secrets redacted."""
    if not redactor:
        return batch
    from stable_harness.store.contract import RunPatch

    batch.new_runs = [redact_run(redactor, r) for r in batch.new_runs]
    batch.patches = [RunPatch(p.run_id, {k: redactor.tree(v) if k in ("output", "error")
                                         else v for k, v in p.fields.items()})
                     for p in batch.patches]
    batch.events = [redactor.record(e, "payload") for e in batch.events]
    batch.approvals = [redact_approval(redactor, a) for a in batch.approvals]
    batch.artifacts = [redact_artifact(redactor, a) for a in batch.artifacts]
    batch.ledger = [redactor.record(e, "arguments", "result", "error") for e in batch.ledger]
    batch.attempts = [redactor.record(a, "error") for a in batch.attempts]
    return batch


def redact_run(redactor: Redactor, run: Any) -> Any:
    """A run with its request data, output and error redacted."""
    if not redactor:
        return run
    run = redactor.record(run, "input", "output", "error", "metadata", "memory")
    call = run.tool_call
    return replace(run, idempotency_key=None if run.idempotency_key is None
                   else redactor.text(run.idempotency_key),
                   tool_call=None if call is None
                   else replace(call, arguments=redactor.tree(call.arguments)))


def redact_approval(redactor: Redactor, approval: Any) -> Any:
    """An approval with its action, reason and decision (message, edited arguments) redacted."""
    if not redactor:
        return approval
    decision = approval.decision
    if decision is not None:
        decision = replace(decision, message=None if decision.message is None
                           else redactor.text(decision.message),
                           arguments=redactor.tree(decision.arguments))
    return replace(approval, action=redactor.tree(approval.action),
                   reason=redactor.text(approval.reason), decision=decision)


def redact_artifact(redactor: Redactor, artifact: Any) -> Any:
    """An artifact with its name and content redacted (and the digest of what is kept)."""
    if not redactor:
        return artifact
    import hashlib

    content = redactor.data(artifact.content)
    return replace(artifact, name=redactor.text(artifact.name), content=content,
                   sha256=hashlib.sha256(content).hexdigest())


def workspace_secret_names(workspace: Any) -> set[str]:
    """Declared secret variables plus every ``${secret:NAME}`` the documents reference."""
    return secret_names(workspace.runtime.secrets,
                        (entry.doc.model_dump(mode="json")
                         for entries in workspace.documents.values()
                         for entry in entries.values()))


def secret_names(declared: Iterable[Any], documents: Iterable[Any]) -> set[str]:
    """``declared`` (a Runtime's ``secrets``) plus every ``${secret:NAME}`` in ``documents``
    (trees of YAML values): what a loaded workspace and a bare read of its YAML both use."""
    names = {str(name) for name in declared}
    for data in documents:
        names |= referenced(data)
    return names
