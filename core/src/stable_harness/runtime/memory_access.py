"""A run's governed view of its agent's memory (``Agent.spec.memory`` → ``kind: Memory``).

Every access goes through here, whatever reaches it (a LangGraph node or tool through the
store the backend was given, a ``python`` agent through ``ctx.memory``): reads and searches
are observed as ``harness.memory.*`` events (namespace and key, never the value), writes and
deletes are judged by the policy's ``writes`` rules (allow, deny, or a human decision that
shows the item, approved, edited or rejected as for a tool call), values are redacted of
secrets before they are stored, and the per-namespace limits and time to live apply.

Namespaces come from templates filled from the request's fields only (``{agent}``,
``{sessionId}``, the keys of the request's ``memory`` scope such as ``{user}``), never from
text the model or the user wrote.
"""

from __future__ import annotations

import hashlib
import json
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stable_harness.errors import StableHarnessError
from stable_harness.memory.contract import MemoryItem, MemoryStore, Namespace, check_key
from stable_harness.memory.filters import check_filter
from stable_harness.runs.events import EventType

if TYPE_CHECKING:
    from stable_harness.runtime.context import RunContext
    from stable_harness.runtime.memories import Memories
    from stable_harness.secrets import Redactor
    from stable_harness.workspace.memory_kinds import MemorySpec


class MemoryPolicyError(StableHarnessError):
    """A memory access the policy refuses (denied, rejected, over a limit, bad template)."""


def template_fields(agent: str, session_id: str, scope: dict[str, Any] | None
                    ) -> dict[str, str]:
    """What a namespace template may use: the agent, the session, the request's scope."""
    fields = {str(k): str(v) for k, v in (scope or {}).items()
              if isinstance(v, str | int | float) and not isinstance(v, bool)}
    return {**fields, "agent": agent, "sessionId": session_id}


def render(template: str, fields: dict[str, str], where: str) -> Namespace:
    """``users/{user}/prefs`` → ``("users", "u-1", "prefs")``; a field the request does not
    give is an error naming it (and what it does give)."""
    labels = []
    for part in template.split("/"):
        names = [name for _, name, _, _ in string.Formatter().parse(part) if name is not None]
        missing = [n for n in names if n not in fields]
        if missing:
            raise MemoryPolicyError(
                f"{where}: the namespace template {template!r} needs {', '.join(missing)}, "
                f"which the request does not give (it gives: {', '.join(sorted(fields))}); "
                "pass it in the request's `memory` scope")
        label = part.format_map(fields)
        if not label:
            raise MemoryPolicyError(f"{where}: {template!r} gives an empty label")
        labels.append(label)
    return tuple(labels)


@dataclass(frozen=True)
class Rule:
    """A write rule, rendered for one run."""

    prefix: Namespace
    action: str  # allow | deny | approval


def _ranking(item: MemoryItem) -> tuple[float, float, Namespace, str]:
    """Most similar first (a semantic search), then newest first."""
    return (-(item.score if item.score is not None else 0.0), -item.updated_at,
            item.namespace, item.key)


def _under(namespace: Namespace, prefix: Namespace) -> bool:
    return namespace[:len(prefix)] == prefix


class GovernedMemory:
    """One run's memory (see the module docstring)."""

    def __init__(self, name: str, spec: MemorySpec, store: MemoryStore, ctx: RunContext,
                 redactor: Redactor, fields: dict[str, str], memories: Memories) -> None:
        self.name = name
        self._memories = memories
        self.fields = fields  # what namespace templates are filled from
        self._asked: dict[str, int] = {}  # approvals asked in this activation, by subject
        self.spec = spec
        self.store = store
        self._ctx = ctx
        self._redactor = redactor
        where = f"Memory/{name}"
        self.namespace = render(spec.namespace or name, fields, where)
        self.rules = [Rule(render(r.namespace, fields, where), r.action)
                      for r in spec.writes]
        self.recall_namespaces = [render(t, fields, where)
                                  for t in (spec.recall.namespaces if spec.recall else [])] \
            or [self.namespace]
        # a run reaches only these namespaces and what is below them: another user's (or
        # session's) memory is out of reach, whatever the agent asks for
        scopes = [self.namespace, *self.recall_namespaces, *(r.prefix for r in self.rules)]
        self.scopes = [s for i, s in enumerate(scopes)
                       if s not in scopes[:i] and not any(_under(s, o) and o != s
                                                          for o in scopes)]

    # -- reads -------------------------------------------------------------------------------

    async def get(self, namespace: Namespace | None, key: str) -> MemoryItem | None:
        """The item at ``namespace`` (default: the policy's) / ``key``, unless expired."""
        ns = self._reachable(self._ns(namespace))
        item = await self.store.get(ns, key)
        await self._observe(EventType.MEMORY_READ, ns, key=key, found=item is not None)
        return item

    async def search(self, prefix: Namespace | None = None, *,
                     filter: dict[str, Any] | None = None, limit: int = 10,
                     offset: int = 0, query: str | None = None) -> list[MemoryItem]:
        """Items at or below ``prefix`` matching ``filter``, most recent first (``query``
        needs a store with a semantic index; without one, the most recent match)."""
        ns = self._ns(prefix, allow_empty=True)
        check_filter(filter)
        extra = await self._query_vector(query)
        if any(_under(ns, scope) for scope in self.scopes):
            items = await self.store.search(ns, filter=filter, limit=limit, offset=offset,
                                            **extra)
        else:  # above the run's scopes: search those of them below the prefix
            below = [s for s in self.scopes if _under(s, ns)]
            if not below:
                raise self._outside(ns)
            merged: list[MemoryItem] = []
            for scope in below:
                merged.extend(await self.store.search(scope, filter=filter,
                                                      limit=offset + limit, **extra))
            merged.sort(key=_ranking)
            items = merged[offset:offset + limit]
        await self._observe(EventType.MEMORY_SEARCHED, ns, count=len(items),
                            **({"query": self._redactor.text(query)} if query else {}))
        return items

    async def list_namespaces(self, prefix: Namespace = (), limit: int = 100
                              ) -> list[Namespace]:
        """Namespaces holding items at or below ``prefix`` that this run may reach."""
        found = await self.store.list_namespaces(tuple(prefix), 100_000)
        return [n for n in found if any(_under(n, s) for s in self.scopes)][:limit]

    async def recall(self, query: str | None) -> list[MemoryItem]:
        """Before a run: the policy's top ``recall.limit`` items from its namespaces."""
        if self.spec.recall is None or self.spec.recall.limit == 0:
            return []
        found: list[MemoryItem] = []
        extra = await self._query_vector(query)
        for ns in self.recall_namespaces:
            found.extend(await self.store.search(ns, limit=self.spec.recall.limit, **extra))
        found.sort(key=_ranking)
        found = found[:self.spec.recall.limit]
        await self._ctx.emit_event(EventType.MEMORY_RECALLED, {
            "memory": self.name, "namespaces": [list(n) for n in self.recall_namespaces],
            "count": len(found), "keys": [[*i.namespace, i.key] for i in found]})
        return found

    # -- writes ------------------------------------------------------------------------------

    async def put(self, namespace: Namespace | None, key: str, value: dict[str, Any], *,
                  ttl_seconds: float | None = None) -> None:
        """Store ``value`` if the policy allows (a human may have to decide first); it
        expires after ``ttl_seconds``, else after the policy's ``ttlSeconds``."""
        ns = self._reachable(self._ns(namespace))
        check_key(ns, key)
        if not isinstance(value, dict):
            raise MemoryPolicyError(f"a memory value must be a JSON object, got "
                                    f"{type(value).__name__}")
        value = self._redactor.tree(value)  # a secret is never stored
        value = await self._governed("write", ns, key, value)
        size = len(json.dumps(value, ensure_ascii=False, default=str).encode())
        limits = self.spec.limits
        if limits.max_value_bytes is not None and size > limits.max_value_bytes:
            raise MemoryPolicyError(
                f"memory {'/'.join(ns)}/{key}: the value is {size} bytes, over the limit of "
                f"{limits.max_value_bytes} (Memory/{self.name} spec.limits.maxValueBytes)")
        if limits.max_items is not None and await self.store.get(ns, key) is None:
            # the namespace's own items: newer ones below it must not hide them from a page
            present = await self.store.search(ns, limit=10**9)
            if sum(1 for i in present if i.namespace == ns) >= limits.max_items:
                raise MemoryPolicyError(
                    f"memory {'/'.join(ns)}: it already holds {limits.max_items} items, the "
                    f"limit (Memory/{self.name} spec.limits.maxItems); delete one first")
        ttl = ttl_seconds if ttl_seconds is not None else self.spec.ttl_seconds
        vectors = await self._memories.vectors(self.name, [value])
        if vectors is None:
            await self.store.put(ns, key, value, ttl_seconds=ttl)
        else:
            await self.store.put(ns, key, value, ttl_seconds=ttl,  # type: ignore[call-arg]
                                 vector=vectors[0])
        await self._observe(EventType.MEMORY_WRITTEN, ns, key=key, bytes=size)

    async def delete(self, namespace: Namespace | None, key: str) -> None:
        ns = self._reachable(self._ns(namespace))
        check_key(ns, key)
        await self._governed("delete", ns, key, None)
        await self.store.delete(ns, key)
        await self._observe(EventType.MEMORY_DELETED, ns, key=key)

    async def _governed(self, what: str, ns: Namespace, key: str,
                        value: dict[str, Any] | None) -> dict[str, Any]:
        rule = next((r for r in self.rules if _under(ns, r.prefix)), None)
        action = rule.action if rule is not None else self.spec.default_write
        where = f"{'/'.join(ns)}/{key}"
        if action == "deny":
            raise MemoryPolicyError(f"memory {what} of {where} is denied by Memory/"
                                    f"{self.name} (spec.writes); nothing was written")
        if action == "approval":
            # The decision is about what is written where, so the approval is keyed by the
            # namespace and the value (a delete: the key), counted in this activation: a tool
            # that names its items afresh each time it runs (langmem's uuid keys) finds its
            # decision when the run replays to it after the approval.
            subject = value if value is not None else key
            digest = hashlib.sha256(json.dumps(subject, sort_keys=True, default=str)
                                    .encode()).hexdigest()[:16]
            ask = f"memory:{what}:{'/'.join(ns)}:{digest}"
            self._asked[ask] = self._asked.get(ask, 0) + 1
            decision = await self._ctx.request_approval(
                {"memory": self.name, "operation": what, "namespace": list(ns), "key": key,
                 **({"value": value} if value is not None else {})},
                f"memory_{what}", requester="runtime", key=f"{ask}:{self._asked[ask]}")
            if not decision.approved:
                raise MemoryPolicyError(
                    f"memory {what} of {where} was rejected"
                    + (f": {decision.message}" if decision.message else "")
                    + "; nothing was written")
            if value is not None and decision.arguments:
                edited = decision.arguments.get("value", decision.arguments)
                if isinstance(edited, dict):
                    value = self._redactor.tree(edited)
        return value or {}

    # -- inside ------------------------------------------------------------------------------

    def _ns(self, namespace: Namespace | list[str] | None, *, allow_empty: bool = False
            ) -> Namespace:
        if namespace is None:
            return self.namespace
        ns = tuple(namespace)
        if not ns and allow_empty:
            return ns
        check_key(ns)
        return ns

    async def _query_vector(self, query: str | None) -> dict[str, Any]:
        """``vector=`` for a search with ``query`` when the policy has an index."""
        embedder = self._memories.embedder(self.name)
        if not query or embedder is None:
            return {}
        return {"vector": list(map(float, await embedder.aembed_query(query)))}

    def _reachable(self, ns: Namespace) -> Namespace:
        if not any(_under(ns, scope) for scope in self.scopes):
            raise self._outside(ns)
        return ns

    def _outside(self, ns: Namespace) -> MemoryPolicyError:
        return MemoryPolicyError(
            f"memory namespace {'/'.join(ns) or '(root)'} is outside what this run may use "
            f"({', '.join('/'.join(s) for s in self.scopes)}; Memory/{self.name})")

    async def _observe(self, type_: str, ns: Namespace, **fields: Any) -> None:
        await self._ctx.emit_event(type_, {"memory": self.name, "namespace": list(ns),
                                           **fields})
