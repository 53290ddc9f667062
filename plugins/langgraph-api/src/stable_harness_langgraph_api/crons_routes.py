"""``/runs/crons`` and ``/threads/{id}/runs/crons``: scheduled runs (see :mod:`.crons`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from stable_harness_langgraph_api.deps import Api
from stable_harness_langgraph_api.schemas import CronIn, CronPatch, CronSearch

router = APIRouter(tags=["crons"])


@router.post("/threads/{thread_id}/runs/crons")
async def create_for_thread(api: Api, thread_id: str, body: CronIn) -> dict[str, Any]:
    """Run on this thread on a schedule."""
    return await api.crons.create(thread_id, body.model_dump(exclude_none=True))


@router.post("/runs/crons")
async def create(api: Api, body: CronIn) -> dict[str, Any]:
    """Run on a schedule, each run on a thread of its own."""
    return await api.crons.create(None, body.model_dump(exclude_none=True))


@router.patch("/runs/crons/{cron_id}")
async def update(api: Api, cron_id: str, body: CronPatch) -> dict[str, Any]:
    """Change a cron (its next run is computed again)."""
    return await api.crons.update(cron_id, body.model_dump(exclude_unset=True))


@router.delete("/runs/crons/{cron_id}", status_code=204)
async def delete(api: Api, cron_id: str) -> Response:
    """Delete a cron (its runs stay)."""
    await api.crons.delete(cron_id)
    return Response(status_code=204)


@router.post("/runs/crons/search")
async def search(api: Api, body: CronSearch) -> list[dict[str, Any]]:
    """Crons by assistant, thread, enabled and metadata."""
    found = await api.crons.search(body.model_dump(exclude_none=True))
    if body.sort_by:
        found.sort(key=lambda c: str(c.get(body.sort_by or "created_at")),
                   reverse=body.sort_order == "desc")
    return found[body.offset:body.offset + body.limit]


@router.post("/runs/crons/count")
async def count(api: Api, body: CronSearch) -> int:
    """How many crons match."""
    return len(await api.crons.search(body.model_dump(exclude_none=True)))
