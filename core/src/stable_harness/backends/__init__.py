"""The backend adapter contract: how an agent framework plugs into the run lifecycle."""

from stable_harness.backends.contract import (
    AgentBinding,
    BackendAdapter,
    BackendEvent,
    Custom,
    Interrupt,
    ModelUsage,
    OutputDelta,
    Result,
    StepBlocked,
    StepCompleted,
    StepStarted,
)

__all__ = [
    "AgentBinding", "BackendAdapter", "BackendEvent", "Custom", "Interrupt", "ModelUsage",
    "OutputDelta", "Result", "StepBlocked", "StepCompleted", "StepStarted",
]
