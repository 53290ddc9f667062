"""``/assistants``: one per exposed agent (graph_id = agent), and configs created here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from stable_harness_langgraph_api.deps import Api
from stable_harness_langgraph_api.schemas import (
    AssistantIn,
    AssistantPatch,
    AssistantSearch,
    LatestIn,
    VersionsIn,
)

router = APIRouter(prefix="/assistants", tags=["assistants"])


def _matches(assistant: dict[str, Any], body: AssistantSearch) -> bool:
    if body.graph_id is not None and assistant["graph_id"] != body.graph_id:
        return False
    if body.name is not None and body.name not in (assistant.get("name") or ""):
        return False
    metadata = assistant.get("metadata") or {}
    return all(metadata.get(k) == v for k, v in (body.metadata or {}).items())


@router.post("")
async def create(api: Api, body: AssistantIn) -> dict[str, Any]:
    """Create an assistant: a named config of a graph, kept in the run store."""
    return await api.service.put_assistant(body.assistant_id, body.model_dump(),
                                           body.if_exists)


@router.post("/search")
async def search(api: Api, body: AssistantSearch) -> list[dict[str, Any]]:
    """Assistants matching graph id, name and metadata."""
    found = [a for a in await api.service.assistants() if _matches(a, body)]
    return found[body.offset:body.offset + body.limit]


@router.post("/count")
async def count(api: Api, body: AssistantSearch) -> int:
    """How many assistants match."""
    return sum(1 for a in await api.service.assistants() if _matches(a, body))


@router.get("/{assistant_id}")
async def get(api: Api, assistant_id: str) -> dict[str, Any]:
    """One assistant (by id, or by graph id for an agent's default)."""
    return await api.service.assistant(assistant_id)


@router.patch("/{assistant_id}")
async def update(api: Api, assistant_id: str, body: AssistantPatch) -> dict[str, Any]:
    """Change an assistant: a new version."""
    return await api.service.update_assistant(assistant_id, body.model_dump())


@router.delete("/{assistant_id}", status_code=204)
async def delete(api: Api, assistant_id: str) -> Response:
    """Delete an assistant created here (an agent's default is its YAML)."""
    await api.service.delete_assistant(assistant_id)
    return Response(status_code=204)


@router.get("/{assistant_id}/graph")
async def graph(api: Api, assistant_id: str,
                xray: bool | int = Query(False)) -> dict[str, Any]:
    """The graph, drawn by the backend."""
    agent = (await api.service.assistant(assistant_id))["graph_id"]
    adapter = api.service.runtime.adapter(agent)
    draw = getattr(adapter, "graph_json", None)
    if callable(draw):
        drawn: dict[str, Any] = draw(xray)
        return drawn
    return {"nodes": [{"id": "__start__", "type": "schema", "data": "__start__"},
                      {"id": agent, "type": "runnable", "data": agent},
                      {"id": "__end__", "type": "schema", "data": "__end__"}],
            "edges": [{"source": "__start__", "target": agent},
                      {"source": agent, "target": "__end__"}]}


@router.get("/{assistant_id}/schemas")
async def schemas(api: Api, assistant_id: str) -> dict[str, Any]:
    """The graph's input, output, state, config and context schemas."""
    agent = (await api.service.assistant(assistant_id))["graph_id"]
    adapter = api.service.runtime.adapter(agent)
    described = getattr(adapter, "schemas", None)
    out: dict[str, Any] = {"input_schema": None, "output_schema": None,
                           "state_schema": None, "config_schema": None,
                           "context_schema": None}
    if callable(described):
        out.update(described())
    return {"graph_id": agent, **out}


@router.get("/{assistant_id}/subgraphs")
async def subgraphs(api: Api, assistant_id: str) -> dict[str, Any]:
    """Subgraph schemas: none are listed (graphs here are served whole)."""
    await api.service.assistant(assistant_id)
    return {}


@router.post("/{assistant_id}/versions")
async def versions(api: Api, assistant_id: str, body: VersionsIn) -> list[dict[str, Any]]:
    """An assistant's versions, newest first."""
    found = await api.service.versions(assistant_id)
    return found[body.offset:body.offset + body.limit]


@router.post("/{assistant_id}/latest")
async def latest(api: Api, assistant_id: str, body: LatestIn) -> dict[str, Any]:
    """Make a version the current one."""
    return await api.service.set_latest(assistant_id, body.version)
