"""Crons: runs on a schedule, kept in the run store (survive restarts), fired while the
surface serves.

A cron is a document (``langgraph.cron``) holding its schedule (cron syntax, five fields, or
six with seconds last), time zone, the run to start and ``next_run_date``. The scheduler wakes
at the earliest due date; each firing starts a normal run with the idempotency key
``cron:<id>:<due time>``, so two servers sharing the store start it once. A firing missed
while no server ran happens once when one starts again, not once per missed slot.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stable_harness.errors import InvalidRequestError, NotFoundError
from stable_harness.runs.models import Document, iso

from stable_harness_langgraph_api.service import LangGraphService

CRON = "langgraph.cron"
RUN_FIELDS = ("input", "config", "context", "metadata", "interrupt_before",
              "interrupt_after", "webhook", "multitask_strategy", "stream_mode",
              "stream_subgraphs")
IDLE_SECONDS = 5.0  # the longest sleep: a cron created meanwhile is seen this late at worst
log = logging.getLogger("stable_harness_langgraph_api")


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRequestError(f"unknown time zone {name!r}", field="timezone") from None


def next_date(schedule: str, zone: str | None, after: float) -> float:
    """The first time ``schedule`` fires after ``after`` (epoch seconds)."""
    from croniter import croniter

    if not croniter.is_valid(schedule):
        raise InvalidRequestError(f"invalid cron schedule {schedule!r} (five fields, e.g. "
                                  "'*/5 * * * *'; a sixth is seconds)", field="schedule")
    base = datetime.fromtimestamp(after, _zone(zone))
    return float(croniter(schedule, base).get_next(datetime).timestamp())


def _end(value: Any) -> float | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidRequestError(f"end_time {value!r} is not an ISO 8601 time",
                                  field="end_time") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def cron_json(doc: Document) -> dict[str, Any]:
    """``Cron`` of the LangGraph API."""
    body = doc.body
    return {"cron_id": doc.id, "assistant_id": body["assistant_id"],
            "thread_id": body.get("thread_id"), "schedule": body["schedule"],
            "timezone": body.get("timezone"), "end_time": iso(body.get("end_time")),
            "on_run_completed": body.get("on_run_completed"),
            "payload": body.get("payload", {}), "metadata": body.get("metadata") or {},
            "enabled": body.get("enabled", True),
            "next_run_date": iso(body.get("next_run_date")) if body.get("enabled", True)
            else None, "user_id": None,
            "created_at": iso(doc.created_at), "updated_at": iso(doc.updated_at)}


class Crons:
    """Cron documents and the scheduler that fires them."""

    def __init__(self, service: LangGraphService) -> None:
        self.service = service
        self.store = service.store
        self._wake = asyncio.Event()

    async def create(self, thread_id: str | None, body: dict[str, Any]) -> dict[str, Any]:
        assistant = await self.service.assistant(body["assistant_id"])
        if thread_id is not None:
            await self.service.session(thread_id)
        now = time.time()
        stored = {
            "assistant_id": assistant["assistant_id"], "graph_id": assistant["graph_id"],
            "thread_id": thread_id,
            "schedule": body["schedule"], "timezone": body.get("timezone"),
            "end_time": _end(body.get("end_time")), "enabled": body.get("enabled", True),
            "on_run_completed": None if thread_id else body.get("on_run_completed", "delete"),
            "metadata": body.get("metadata") or {},
            "payload": {k: body[k] for k in RUN_FIELDS if body.get(k) is not None},
            "next_run_date": next_date(body["schedule"], body.get("timezone"), now)}
        doc = await self.store.put_document(CRON, str(uuid.uuid4()), stored, now)
        self._wake.set()
        return cron_json(doc)

    async def get(self, cron_id: str) -> Document:
        doc = await self.store.get_document(CRON, cron_id)
        if doc is None:
            raise NotFoundError(f"no cron {cron_id!r}", field="cron_id")
        return doc

    async def update(self, cron_id: str, patch: dict[str, Any]) -> dict[str, Any]:
        doc = await self.get(cron_id)
        body = dict(doc.body)
        for key in ("schedule", "timezone", "enabled", "on_run_completed", "metadata"):
            if patch.get(key) is not None:
                body[key] = patch[key]
        if "end_time" in patch:
            body["end_time"] = _end(patch["end_time"])
        body["payload"] = {**body.get("payload", {}),
                           **{k: patch[k] for k in RUN_FIELDS if patch.get(k) is not None}}
        body["next_run_date"] = next_date(body["schedule"], body.get("timezone"), time.time())
        updated = await self.store.put_document(CRON, cron_id, body, time.time())
        self._wake.set()
        return cron_json(updated)

    async def delete(self, cron_id: str) -> None:
        if not await self.store.delete_document(CRON, cron_id):
            raise NotFoundError(f"no cron {cron_id!r}", field="cron_id")

    async def search(self, wanted: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for doc in await self.store.list_documents(CRON, limit=100_000):
            cron = cron_json(doc)
            if wanted.get("assistant_id") not in (None, cron["assistant_id"],
                                                  doc.body.get("graph_id")):
                continue
            if wanted.get("thread_id") not in (None, cron["thread_id"]):
                continue
            if wanted.get("enabled") is not None and cron["enabled"] != wanted["enabled"]:
                continue
            metadata = cron["metadata"]
            if not all(metadata.get(k) == v for k, v in (wanted.get("metadata") or {}).items()):
                continue
            out.append(cron)
        return out

    # -- the scheduler ----------------------------------------------------------------------

    async def serve(self, stop: asyncio.Event) -> None:
        """Fire due crons until ``stop`` is set."""
        while not stop.is_set():
            try:
                soonest = await self.fire_due(time.time())
            except Exception:  # the store went away for a moment: try again shortly
                log.exception("cron scheduler")
                soonest = time.time() + IDLE_SECONDS
            self._wake.clear()
            delay = min(max(soonest - time.time(), 0.05), IDLE_SECONDS)
            stopping = asyncio.ensure_future(stop.wait())
            woken = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({stopping, woken}, timeout=delay,
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopping.cancel()
                woken.cancel()

    async def fire_due(self, now: float) -> float:
        """Start the runs of every cron due at ``now``; return the next due time."""
        soonest = now + IDLE_SECONDS
        for doc in await self.store.list_documents(CRON, limit=100_000):
            body = doc.body
            due = body.get("next_run_date")
            if not body.get("enabled", True) or due is None:
                continue
            if due <= now:
                await self._fire(doc, due)
                body = dict(body)
                following = next_date(body["schedule"], body.get("timezone"), max(now, due))
                end = body.get("end_time")
                body["next_run_date"] = following
                if end is not None and following > end:
                    body["enabled"] = False
                await self.store.put_document(CRON, doc.id, body, time.time())
                due = following
            soonest = min(soonest, due)
        return soonest

    async def _fire(self, doc: Document, due: float) -> None:
        body = doc.body
        request = {**body.get("payload", {}), "assistant_id": body["assistant_id"],
                   "metadata": {**(body.get("payload", {}).get("metadata") or {}),
                                "cron_id": doc.id}}
        if body.get("thread_id") is None:
            request["on_completion"] = body.get("on_run_completed") or "delete"
        key = f"cron:{doc.id}:{datetime.fromtimestamp(due, UTC).isoformat()}"
        try:
            await self.service.create_run(body.get("thread_id"), request,
                                          idempotency_key=key)
        except Exception as exc:  # a cron whose thread is busy or gone: logged, not fatal
            log.warning("cron %s could not start its run: %s", doc.id, exc)
