"""``Agent.spec.options`` of the ``deepagents`` backend."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from stable_harness_langgraph.options import GraphOptions


class DeepAgentsOptions(GraphOptions):
    """Upstream ``create_deep_agent`` arguments (plus those shared with ``langgraph``)."""

    files: Literal["state", "disk"] = Field(
        "state", description="Where the agent's file tools work: `state` (upstream default: "
                             "files live in the checkpointed graph state) or `disk` "
                             "(a folder, `filesRoot`).")
    files_root: str = Field(".stable-harness/files",
                            description="Folder for `files: disk`, relative to the workspace.")
    memory_files: list[str] = Field(
        default_factory=list,
        description="Memory files (e.g. `AGENTS.md`), relative to the workspace; upstream "
                    "`memory`, read into the system prompt (seen by the agent as "
                    "`/memories/<path>`).")
