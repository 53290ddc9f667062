"""Checks against the ``harness.execution`` contract table (:mod:`stable_harness.runs.contract`).

Each function returns a list of problems (empty when the value conforms), so a test can assert
on all of them at once and print every gap.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stable_harness.runs.contract import (
    CONTRACT_EVENTS,
    CONTRACT_OPERATIONS,
    CONTRACT_RECORDS,
    missing,
)


def event_problems(events: Iterable[Any]) -> list[str]:
    """Every contract field missing from an event bearing a contract name (``Event`` objects
    or their public dicts)."""
    problems = []
    for event in events:
        data = event.to_dict() if hasattr(event, "to_dict") else event
        fields = CONTRACT_EVENTS.get(data["type"])
        if fields is None:
            continue
        gaps = missing(fields, data["payload"])
        if gaps:
            problems.append(f"{data['type']} (seq {data['seq']}) lacks {', '.join(gaps)}")
    return problems


def operation_problems(operation: str, result: dict[str, Any]) -> list[str]:
    """Every contract field missing from an operation's result (``{run}`` checked as a
    ``HarnessRun`` and each of its steps as a ``HarnessStep``)."""
    problems = [f"{operation} lacks {f}" for f in missing(CONTRACT_OPERATIONS[operation], result)]
    run = result.get("run")
    if isinstance(run, dict):
        problems += [f"{operation}: run lacks {f}"
                     for f in missing(CONTRACT_RECORDS["HarnessRun"], run)]
        for step in run.get("steps") or []:
            problems += [f"{operation}: step {step.get('stepId')} lacks {f}"
                         for f in missing(CONTRACT_RECORDS["HarnessStep"], step)]
    return problems
