"""Configuration of the ``langgraph`` surface (``Runtime.spec.protocols.langgraph``)."""

from __future__ import annotations

from pydantic import Field
from stable_harness_http.config import _Config


class LangGraphConfig(_Config):
    """The LangGraph server API."""

    expose_agents: list[str] | None = Field(
        None, description="Agents served as graphs (graph_id = agent name); all when omitted.")
    store: str | None = Field(
        None, description="The `Memory` behind `/store/*`; the only one when omitted.")
    webhook_networks: list[str] = Field(
        default_factory=list,
        description="Networks a run's `webhook` may reach besides public addresses (e.g. "
                    "`127.0.0.0/8` for a receiver on this machine); others are refused.")
    n_workers: int | None = Field(
        None, ge=1, description="Accepted for the LangGraph server's setting; runs here are "
                                "bounded by `Runtime.spec.runs`, not by this.")
