"""The ``harness.execution`` contract (ContractSpec ``platform.harness`` v1.0.0), as one table.

The runtime writes these fields into every event and operation result that bears a contract
name; the test suite reads this table to check every emitted event and every operation result
against it. A name ending in ``?`` is optional in the contract. Our own extra fields are kept:
the contract names a floor, not a ceiling.
"""

from __future__ import annotations

from typing import Any

#: Event type -> payload fields (``harness.step.started|completed`` belong to the same
#: feature; the runtime emits them under the contract's names, so they follow it too).
CONTRACT_EVENTS: dict[str, tuple[str, ...]] = {
    "harness.run.started": ("runId", "scenarioKey?", "suiteKey?", "mode", "startedAt"),
    "harness.run.completed": ("runId", "completedAt", "evidenceCount", "status"),
    "harness.run.failed": ("runId", "failedAt", "reason"),
    "harness.step.started": ("runId", "stepId", "stepKey", "mode", "startedAt"),
    "harness.step.completed": ("runId", "stepId", "completedAt", "summary?"),
    "harness.step.blocked": ("runId", "stepId", "blockedAt", "reason"),
}

#: Operation -> fields of its result.
CONTRACT_OPERATIONS: dict[str, tuple[str, ...]] = {
    "harness.run.start": ("run",),
    "harness.run.cancel": ("runId", "status", "cancelledAt"),
    "harness.run.get": ("run",),
}

#: Record -> fields (``HarnessRun`` inside ``{run}``, ``HarnessStep`` inside its ``steps``).
CONTRACT_RECORDS: dict[str, tuple[str, ...]] = {
    "HarnessRun": ("runId", "status", "mode", "scenarioKey?", "suiteKey?",
                   "controlPlaneExecutionId?", "target", "steps", "evidenceCount?",
                   "createdAt", "updatedAt"),
    "HarnessStep": ("stepId", "stepKey", "runId", "mode", "actionClass", "verdict",
                    "requiresApproval", "status", "summary?", "startedAt?", "completedAt?",
                    "metadata?"),
}

#: Where an event's timestamp goes, by event type (the event's own time, so it is the same
#: instant as the envelope's ``timestamp``).
TIMESTAMP_FIELD: dict[str, str] = {
    "harness.run.started": "startedAt",
    "harness.run.completed": "completedAt",
    "harness.run.failed": "failedAt",
    "harness.step.started": "startedAt",
    "harness.step.completed": "completedAt",
    "harness.step.blocked": "blockedAt",
}


def required(fields: tuple[str, ...]) -> list[str]:
    """The fields of a contract row that must be present."""
    return [f for f in fields if not f.endswith("?")]


def missing(fields: tuple[str, ...], value: dict[str, Any]) -> list[str]:
    """Required fields of ``fields`` absent from ``value`` (``None`` counts as absent)."""
    return [f for f in required(fields) if value.get(f) is None]
