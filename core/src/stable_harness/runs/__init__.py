"""The run model: states, events, and the records the run store holds."""

from stable_harness.runs.events import CATALOGUE, Event, EventType
from stable_harness.runs.models import (
    Approval,
    Artifact,
    Attempt,
    Decision,
    DecisionKind,
    LedgerEntry,
    LedgerStatus,
    Run,
    RunRequest,
    Session,
    ToolCallRequest,
)
from stable_harness.runs.states import IN_FLIGHT, TERMINAL, RunStatus

__all__ = [
    "CATALOGUE", "IN_FLIGHT", "TERMINAL", "Approval", "Artifact", "Attempt", "Decision",
    "DecisionKind", "Event", "EventType", "LedgerEntry", "LedgerStatus", "Run", "RunRequest",
    "RunStatus", "Session", "ToolCallRequest",
]
