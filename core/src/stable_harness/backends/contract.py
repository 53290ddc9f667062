"""The adapter interface every backend implements.

A backend record's factory is called once per agent as ``factory(options, agent=binding)``
(``options`` is the agent's validated ``spec.options``) and returns a :class:`BackendAdapter`.
For each activation of a run the runtime calls :meth:`BackendAdapter.start` (first attempt, or a
retry) or :meth:`BackendAdapter.resume` (after an approval decision or a crash) with a run
context, and consumes the async iterator of :class:`BackendEvent` it returns: that stream is the
upstream framework's events mapped onto the ``harness.*`` catalogue. Services that answer back
(tool calls through the runtime, approvals, artifacts) are methods of the context.

Cancellation is delivered by cancelling the task that iterates the stream; ``cancel`` is a hook
for adapters that must also tell something outside the task (a remote server, a subprocess).
The declared capabilities (``BackendRecord.capabilities``) say what is native, wrapped by the
runtime, or unsupported; the runtime reads ``resume`` to decide between resuming a crashed run
and failing it with ``interrupted``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from stable_harness.runs.models import Decision
    from stable_harness.runtime.context import RunContext
    from stable_harness.workspace.kinds import AgentSpec


@dataclass(frozen=True)
class AgentBinding:
    """What a backend knows about the agent it serves."""

    name: str
    spec: AgentSpec
    root: Path


class BackendEvent:
    """Base class of what an adapter's stream yields."""


@dataclass(frozen=True)
class OutputDelta(BackendEvent):
    """A piece of output text (``harness.output.delta``)."""

    text: str


@dataclass(frozen=True)
class StepStarted(BackendEvent):
    """A node, model call or other unit of work started (``harness.step.started``)."""

    step_id: str
    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StepCompleted(BackendEvent):
    """A step finished (``harness.step.completed``)."""

    step_id: str
    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StepBlocked(BackendEvent):
    """A step cannot proceed; the run ends ``blocked`` (``harness.step.blocked``)."""

    step_id: str
    reason: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Custom(BackendEvent):
    """An application event (``harness.custom``)."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Interrupt(BackendEvent):
    """The upstream framework paused for a human: the runtime persists an approval, parks the
    run in ``waiting_approval`` and later calls ``resume`` with the decision. ``key`` must be
    stable across replays of the same pause (e.g. the framework's interrupt id)."""

    key: str
    action: dict[str, Any]
    reason: str
    requester: str = "agent"


@dataclass(frozen=True)
class Result(BackendEvent):
    """The run's result; ``None`` means "the output text streamed so far"."""

    output: Any = None


@runtime_checkable
class BackendAdapter(Protocol):
    """One agent's adapter (see the module docstring)."""

    def start(self, ctx: RunContext) -> AsyncIterator[BackendEvent]:
        """Run the agent on ``ctx.input``; yield events, ending with :class:`Result`."""
        ...

    def resume(self, ctx: RunContext, decision: Decision | None) -> AsyncIterator[BackendEvent]:
        """Continue after ``decision`` (None: after a crash); yield like :meth:`start`."""
        ...

    async def cancel(self, ctx: RunContext) -> None:
        """Stop work outside the running task, if any (the task itself is cancelled)."""
        ...
