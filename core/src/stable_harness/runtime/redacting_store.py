"""The run store as the runtime writes to it: every write redacted first.

Redaction used to live in the event writer only, so writes that bypass it (a new run and
its first event, decisions, cancels, imports) stored request data, approval reasons and
decision messages as sent. Wrapping the store makes the rule hold for every write path,
whichever component writes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any, cast

from stable_harness.runs.events import Event
from stable_harness.runs.models import Approval, Run
from stable_harness.runs.states import RunStatus
from stable_harness.secrets import Redactor, redact_approval, redact_batch
from stable_harness.store.contract import PendingEvent, RunStore, WriteBatch


class RedactingStore:
    """A :class:`RunStore` whose writes are redacted; reads pass through."""

    def __init__(self, store: RunStore, redactor: Redactor) -> None:
        self.inner = store
        self.redactor = redactor

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def write(self, batch: WriteBatch) -> None:
        await self.inner.write(redact_batch(self.redactor, batch))

    async def update_unowned(
        self, run_id: str, expect: Collection[RunStatus], fields: dict[str, Any],
        events: Sequence[PendingEvent], *, approval: Approval | None = None,
        expect_approval_pending: bool = False, allow_expired_lease_at: float | None = None,
    ) -> tuple[Run, list[Event]] | None:
        tree = self.redactor.tree
        return await self.inner.update_unowned(
            run_id, expect, {k: tree(v) for k, v in fields.items()},
            [replace(e, payload=tree(e.payload)) for e in events],
            approval=None if approval is None else redact_approval(self.redactor, approval),
            expect_approval_pending=expect_approval_pending,
            allow_expired_lease_at=allow_expired_lease_at)


def redacting(store: RunStore, redactor: Redactor) -> RunStore:
    """``store`` wrapped when there is anything to redact (else ``store`` itself)."""
    if not redactor:
        return store
    return cast(RunStore, RedactingStore(store, redactor))
