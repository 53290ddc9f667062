"""A run as the ``harness.execution`` contract's ``HarnessRun``: the stored run plus its
``target``, its ``steps`` (derived from its events, :mod:`stable_harness.runs.steps`) and its
``evidenceCount``. A view: nothing here is stored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from stable_harness.runs.events import Event
from stable_harness.runs.models import Run
from stable_harness.runs.steps import action_class, harness_steps

if TYPE_CHECKING:
    from stable_harness.workspace.model import Workspace


def harness_run(run: Run, workspace: Workspace, events: Iterable[Event], evidence: int
                ) -> dict[str, Any]:
    """``run`` as a ``HarnessRun`` (every field of ``Run.to_dict`` kept)."""
    tools = workspace.tools

    def tool_class(name: str) -> str:
        entry = tools.get(name)
        return action_class(entry.doc.spec.tags) if entry is not None else "unknown"

    target = run.workflow or (run.tool_call.name if run.tool_call else run.agent)
    return {**run.to_dict(),
            "target": {"targetId": target, "kind": run.mode, "agent": run.agent},
            "steps": harness_steps(run.id, run.mode, events, tool_class),
            "evidenceCount": evidence}
