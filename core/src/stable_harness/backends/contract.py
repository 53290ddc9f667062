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

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from stable_harness.runs.models import Decision
    from stable_harness.runtime.context import RunContext
    from stable_harness.runtime.tools import LoadedTool
    from stable_harness.workspace.kinds import AgentSpec
    from stable_harness.workspace.model import Workspace


def _no_model(name: str) -> Any:
    raise LookupError(f"no model '{name}' is available to this agent")


def _no_tool(agent: str, name: str) -> LoadedTool:
    raise LookupError(f"no tool '{name}' is available to agent '{agent}'")


def _no_server_tools(agent: str) -> list[str]:
    return []


@dataclass(frozen=True)
class AgentBinding:
    """What a backend knows about the agent it serves, and the runtime services it may use.

    :param name: the agent's name.
    :param spec: its validated ``Agent.spec``.
    :param root: the workspace folder (for import paths and relative files).
    :param state_dir: where the backend may keep its own state (e.g. checkpoints), next to
        the run store.
    :param model: ``model(name)`` builds the chat model of a workspace ``Model``.
    :param tool: ``tool(agent, name)`` loads a workspace tool the agent may call (its schema
        and description; calls go through :meth:`RunContext.call_tool`).
    :param workspace: the whole loaded workspace (subagents, skills, …), when available.
    :param server_tools: ``server_tools(name)``: the tools agent ``name`` (this agent or one
        of its subagents) has from its ``mcpServers``, listed before the adapter is built;
        ``tool(agent, tool_name)`` loads them like workspace tools.
    """

    name: str
    spec: AgentSpec
    root: Path
    state_dir: Path | None = None
    model: Callable[[str], Any] = _no_model
    tool: Callable[[str, str], LoadedTool] = _no_tool
    workspace: Workspace | None = None
    server_tools: Callable[[str], list[str]] = _no_server_tools

    def tools_of(self, name: str, spec: AgentSpec | None = None) -> list[str]:
        """Every tool agent ``name`` may call itself: its ``spec.tools`` (``spec``: its
        spec, when it is not this agent), then its servers' tools."""
        own = (self.spec if spec is None else spec).tools
        return [*own, *(t for t in self.server_tools(name) if t not in own)]


class BackendEvent:
    """Base class of what an adapter's stream yields."""


@dataclass(frozen=True)
class OutputDelta(BackendEvent):
    """A piece of output text (``harness.output.delta``)."""

    text: str


@dataclass(frozen=True)
class ModelUsage(BackendEvent):
    """Tokens one model call used, as the provider reported them (``harness.model.usage``)."""

    input_tokens: int
    output_tokens: int
    model: str | None = None


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
class ToolStarted(BackendEvent):
    """The framework started a tool of its own (not a workspace tool, which the runtime
    reports itself) (``harness.tool.started`` with ``source: upstream``)."""

    call_id: str
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolFinished(BackendEvent):
    """A framework tool finished (``harness.tool.completed`` / ``harness.tool.failed``)."""

    call_id: str
    tool: str
    result: Any = None
    error: str | None = None


@dataclass(frozen=True)
class PlanUpdated(BackendEvent):
    """The agent wrote its plan (e.g. DeepAgents ``write_todos``) (``harness.plan.updated``)."""

    items: list[dict[str, Any]]


@dataclass(frozen=True)
class DelegationStarted(BackendEvent):
    """Work was handed to a subagent (``harness.delegation.started``)."""

    call_id: str
    agent: str
    task: str


@dataclass(frozen=True)
class DelegationCompleted(BackendEvent):
    """A subagent returned (``harness.delegation.completed``)."""

    call_id: str
    agent: str
    output: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class FileChanged(BackendEvent):
    """The agent wrote or edited a file of its file system (``harness.file.changed``)."""

    path: str
    operation: str
    call_id: str | None = None


@dataclass(frozen=True)
class UpstreamChunk(BackendEvent):
    """A piece of the framework's own stream, for a run whose request asked for it
    (``RunRequest.upstream``) (``harness.upstream.chunk``). ``data`` is JSON; ``namespace``
    names the subgraph it came from. When the chunk carries streamed text, give it as
    ``text`` (and leave it out of ``data``): the runtime redacts it as it does the output
    stream, a secret split over several chunks included; ``stream`` keys the pieces that
    belong together (a message id)."""

    mode: str
    data: Any
    namespace: tuple[str, ...] = ()
    text: str | None = None
    stream: str = ""


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


@runtime_checkable
class GraphThreads(Protocol):
    """An adapter whose framework keeps thread state (LangGraph checkpoints), read and
    written for a session through a protocol that speaks the framework's language.

    ``threads`` are the checkpoint threads of a session, newest first: the ids of its runs
    (rolled-back ones left out), then the session's own id, which holds state written
    before its first run. Snapshots are the framework's own, as JSON."""

    async def thread_state(self, threads: list[str], checkpoint_id: str | None = None,
                           subgraphs: bool = False) -> dict[str, Any] | None:
        """The newest snapshot of the first thread that has one (or checkpoint
        ``checkpoint_id`` of any), or None when no thread has state."""
        ...

    async def thread_history(self, threads: list[str], *, limit: int = 10,
                             before: str | None = None,
                             metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Snapshots of the threads, newest first."""
        ...

    async def update_thread_state(self, threads: list[str], values: Any,
                                  as_node: str | None = None) -> dict[str, Any]:
        """Write ``values`` as a new checkpoint of the first thread that has state (else of
        the last thread, the session's own); return the new checkpoint's reference."""
        ...

    async def copy_thread(self, threads: list[str], target: str) -> None:
        """Copy the newest snapshot of ``threads`` to thread ``target``."""
        ...


async def close_adapter(adapter: object) -> None:
    """Call an adapter's optional ``aclose()`` (connections it opened, e.g. a checkpointer)."""
    close = getattr(adapter, "aclose", None)
    if close is not None:
        await close()
