"""``Runtime``: the SDK entry point and the one run lifecycle every surface shares.

    async with await Runtime.open("my-workspace") as rt:
        run = await rt.run("hello")            # start and wait until it settles
        async for event in rt.events(run.id):  # replay its events from the store
            print(event.type)
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from stable_harness.backends.contract import BackendAdapter, close_adapter
from stable_harness.errors import (
    ConflictError,
    NotFoundError,
    StableHarnessError,
    ToolCallRefusedError,
)
from stable_harness.gateway import ToolRefusal
from stable_harness.records import Slot, Support
from stable_harness.runs.events import Event, EventType, now_iso
from stable_harness.runs.models import (
    Approval,
    Decision,
    DecisionKind,
    Run,
    RunRequest,
    Session,
    new_id,
)
from stable_harness.runs.states import IN_FLIGHT, RunStatus
from stable_harness.runtime.admission import (
    check_parent,
    check_request_values,
    request_from,
    resolve_agent,
    resolve_target,
    validate_request,
)
from stable_harness.runtime.assembly import make_adapter, make_sinks, make_store
from stable_harness.runtime.bus import EventBus, wait_signal
from stable_harness.runtime.busy import settle_busy, start_next_queued
from stable_harness.runtime.cancelling import (
    cancel_result,
    cancel_task,
    cancel_unowned,
    request_cancel,
)
from stable_harness.runtime.decisions import record_decision
from stable_harness.runtime.execution import ActiveRun, Executor, evidence_count
from stable_harness.runtime.introspect import agent_mermaid, describe_agent
from stable_harness.runtime.leases import new_owner_id
from stable_harness.runtime.memories import Memories
from stable_harness.runtime.recovery import keep_leases, recover_orphans, stop_lost_runs
from stable_harness.runtime.redacting_store import redacting
from stable_harness.runtime.session_locks import SessionLocks
from stable_harness.runtime.settings import RunSettings
from stable_harness.runtime.sinks import EventSink, SinkFanout
from stable_harness.runtime.sync_tools import SyncToolThreads
from stable_harness.runtime.toolbox import Toolbox
from stable_harness.runtime.tools import LoadedTool
from stable_harness.runtime.wakeups import StoreWakeups
from stable_harness.runtime.writer import EventWriter
from stable_harness.secrets import Redactor, workspace_secret_names
from stable_harness.store.contract import DuplicateRunError, PendingEvent, RunStore

if TYPE_CHECKING:
    from stable_harness.workspace.model import Workspace

STREAM_POLL_SECONDS = 0.1
Until = Literal["terminal", "settled"]


class Runtime:
    """A workspace's runtime: its store, plugins and the runs this process drives."""

    def __init__(self, workspace: Workspace, store: RunStore,
                 sinks: list[tuple[str, EventSink]]) -> None:
        self.workspace = workspace
        self.redactor = Redactor(workspace_secret_names(workspace))
        self.store = redacting(store, self.redactor)  # every write path is redacted
        self.spec = workspace.runtime.runs
        self.owner = new_owner_id()
        self.bus = EventBus()
        self.sinks = SinkFanout(sinks, self._sink_failed)
        self.writer = EventWriter(self.store, self.publish, owner=self.owner,
                                  lease_lost=lambda lost: stop_lost_runs(self, lost))
        self.sync_tools = SyncToolThreads(self.spec.sync_tool_threads)
        # protocol surfaces serving this runtime, by name (filled by `serve_surfaces`)
        self.serving: dict[str, dict[str, Any]] = {}
        self.executor = Executor(self)
        self._tasks: dict[str, tuple[asyncio.Task[None], ActiveRun]] = {}
        self._adapters: dict[str, BackendAdapter] = {}
        self._retired: list[BackendAdapter] = []  # built before their tools changed
        self.toolbox = Toolbox(workspace)
        self.toolbox.changed.append(self._tools_changed)
        self.memories = Memories(workspace, self.redactor)
        self._reported_sink_failures: set[tuple[str, str]] = set()
        self._keeper: asyncio.Task[None] | None = None
        self.sessions = SessionLocks()  # admission to a session, one run at a time
        self.wakeups = StoreWakeups(self.store)
        self.cancel_wake = asyncio.Event()  # set when another process requests a cancel
        self._stop_listening: Callable[[], None] = lambda: None
        self._background: set[asyncio.Task[None]] = set()  # next-queued-run starters
        self._closed = False

    # -- opening and closing ----------------------------------------------------------------

    @classmethod
    async def open(cls, workspace: str | Path | Workspace = ".", *, recover: bool = True,
                   environ: Mapping[str, str] | None = None) -> Runtime:
        """Load the workspace and its plugins, open the store, and (unless ``recover`` is
        false) take over runs that a crashed process left behind."""
        from stable_harness.workspace import load_workspace
        from stable_harness.workspace.model import Workspace

        ws = workspace if isinstance(workspace, Workspace) else load_workspace(
            workspace, environ=environ)
        store = make_store(ws)
        await store.open()
        runtime = cls(ws, store, make_sinks(ws))
        runtime.writer.start()
        runtime.sinks.start()
        runtime._stop_listening = runtime.wakeups.listen_as_owner(runtime.owner,
                                                                  runtime.cancel_wake.set)
        runtime._keeper = asyncio.get_running_loop().create_task(keep_leases(runtime, recover),
                                                                 name="lease-keeper")
        if recover:
            await runtime.recover()
        return runtime

    async def __aenter__(self) -> Runtime:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop driving runs (they stay ``running`` for recovery), flush, close everything."""
        if self._closed:
            return
        self._closed = True
        self._stop_listening()
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        tasks = [*(task for task, _ in self._tasks.values()), *self._background]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.writer.close()
        for adapter in [*self._adapters.values(), *self._retired]:
            with contextlib.suppress(Exception):
                await close_adapter(adapter)
        await self.toolbox.sources.close()
        await self.memories.close()
        for run_id in list(self._tasks):
            await self.store.release(run_id, self.owner)
        await self.sinks.close()
        await self.store.close()

    # -- harness.run.start -----------------------------------------------------------------

    async def start(self, request: RunRequest | Any = None, **fields: Any) -> Run:
        """Create a run for ``request`` (or ``RunRequest(input, **fields)``) and start it.

        Returns the stored run once it is durable. A repeated idempotency key returns the
        original run. Raises :class:`StableHarnessError` subclasses for bad input, with nothing
        stored."""
        if not isinstance(request, RunRequest):
            request = request_from(request, fields)
        self._check_open()
        check_request_values(request)
        request = self.redactor.request(request)  # request data is stored: never a secret
        request, agent = resolve_target(self.workspace, request)
        validate_request(self.workspace, request, agent)
        if request.tool_call is not None:  # refused before anything is stored
            await self.toolbox.prepare(agent)  # the tool may be one of its servers'
            try:
                self.toolbox.check(agent, request.tool_call.name, request.tool_call.arguments)
            except ToolRefusal as refusal:
                raise ToolCallRefusedError(refusal.message, refusal.to_dict()) from None
        if request.idempotency_key is not None:
            existing = await self._idempotent(request, agent)
            if existing is not None:
                return existing
        if request.parent_run_id is not None:
            await check_parent(self.store, request.parent_run_id)
        if request.session_id is None:  # a new session: nothing can be busy in it
            return await self._create(request, agent, new_id("ses"), False)
        async with self.sessions.hold(request.session_id):
            busy = await self.store.list_runs(session_id=request.session_id,
                                              statuses=IN_FLIGHT)
            queue = await settle_busy(self, request.session_id, busy, request.busy_session)
            return await self._create(request, agent, request.session_id, queue)

    async def run(self, request: RunRequest | Any = None, *, until: Until = "settled",
                  timeout: float | None = None, **fields: Any) -> Run:
        """Start a run and wait for it: until it is terminal, or also parked (``settled``)."""
        started = await self.start(request, **fields)
        return await self.wait(started.id, until=until, timeout=timeout)

    async def _idempotent(self, request: RunRequest, agent: str) -> Run | None:
        assert request.idempotency_key is not None
        existing = await self.store.find_run(request.idempotency_key)
        if existing is None:
            return None
        if existing.fingerprint != request.fingerprint(agent):
            raise ConflictError(
                f"idempotency key {request.idempotency_key!r} was already used by run "
                f"{existing.id} with a different request", field="idempotencyKey")
        return existing

    async def _create(self, request: RunRequest, agent: str, session_id: str, queue: bool
                      ) -> Run:
        now = time.time()
        run = Run(
            id=new_id("run"), session_id=session_id, agent=agent, status=RunStatus.QUEUED,
            input=request.input, created_at=now, updated_at=now,
            metadata=dict(request.metadata), tool_call=request.tool_call,
            idempotency_key=request.idempotency_key,
            fingerprint=request.fingerprint(agent) if request.idempotency_key else None,
            timeout_seconds=request.timeout_seconds, last_seq=1,
            parent_run_id=request.parent_run_id, memory=request.memory,
            workflow=request.workflow, upstream=request.upstream,
            owner=None if queue else self.owner,
            lease_expires_at=None if queue else now + self.spec.lease_seconds,
        )
        event = Event(run.id, 1, EventType.RUN_QUEUED, session_id, now_iso(), {
            "runId": run.id, "sessionId": session_id, "agent": agent, "input": request.input,
            "metadata": run.metadata})
        session = Session(session_id, agent, now, now)
        # Acknowledged once durable: the writer commits a burst of starts together, off the
        # loop. The run starts when its commit lands, even if our caller has gone by then.
        # The caller gets its own copy: the driving task changes the run before each commit.
        admitted = self.writer.admit(session, run, event)
        if not queue:
            driven = dataclasses.replace(run)
            admitted.add_done_callback(
                lambda done: None if done.cancelled() or done.exception() or self._closed
                else self._launch(driven, "start", None))
        try:
            await asyncio.shield(admitted)
        except DuplicateRunError:
            if request.idempotency_key is not None:  # another start won the race
                existing = await self._idempotent(request, agent)
                if existing is not None:
                    return existing
            raise
        return run

    # -- driving runs ------------------------------------------------------------------------

    def _launch(self, run: Run, mode: str, decision: Decision | None) -> ActiveRun:
        previous = self._tasks.get(run.id)
        if previous is not None and not _winding_down(previous[1]):
            return previous[1]
        active = ActiveRun(self, run)
        # a run decided right after it parked may still have its last task winding down
        # (closing the backend's stream); the new activation starts once that one is done
        after = previous[0] if previous is not None else None
        task = asyncio.get_running_loop().create_task(
            self._drive(active, mode, decision, after), name=f"run-{run.id}")
        self._tasks[run.id] = (task, active)
        return active

    async def _drive(self, active: ActiveRun, mode: str, decision: Decision | None,
                     after: asyncio.Task[None] | None = None) -> None:
        try:
            if after is not None:
                await asyncio.gather(after, return_exceptions=True)
            await self.executor.drive(active, mode, decision)
        except asyncio.CancelledError:
            raise
        except Exception:  # e.g. the store failed: the lease lapses and recovery takes over
            logging.getLogger(__name__).exception("run %s stopped unexpectedly", active.run.id)
        finally:
            mine = self._tasks.get(active.run.id)
            if mine is not None and mine[1] is active:
                self._tasks.pop(active.run.id, None)
        if active.run.status.terminal:
            self._start_next(active.run.session_id)

    def _start_next(self, session_id: str) -> None:
        """``enqueue`` policy: when a session's run ends, start its oldest queued run.

        A task of its own, never awaited by whoever ended the run: that may be a start
        holding the session's lock (the ``interrupt`` policy cancels the busy run)."""
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(start_next_queued(self, session_id),
                                                      name=f"next-in-{session_id}")
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def settings_for(self, run: Run) -> RunSettings:
        """Timeout and retry policy of ``run``."""
        entry = self.workspace.agent_entry(run.agent)
        assert entry is not None, run.agent  # admitted runs name an agent or a workflow
        agent = entry.doc.spec
        return RunSettings.resolve(self.spec, agent, run.timeout_seconds)

    def adapter(self, agent: str) -> BackendAdapter:
        """The backend adapter of ``agent`` (created once per runtime)."""
        if agent not in self._adapters:
            self._adapters[agent] = make_adapter(
                self.workspace, agent, self.resolve_tool,
                lambda name: self.toolbox.sources.own_tools(agent, name))
        return self._adapters[agent]

    def _tools_changed(self, agent: str) -> None:
        """An agent's server tools changed: its next run builds its backend again."""
        adapter = self._adapters.pop(agent, None)
        if adapter is not None:
            self._retired.append(adapter)

    def describe_agent(self, agent: str | None = None, *, graph: bool = False
                       ) -> dict[str, Any]:
        """An agent's backend, inventory and capabilities; with ``graph``, its Mermaid."""
        name = resolve_agent(self.workspace, agent)
        out = describe_agent(self.workspace, name)
        if graph:
            out["mermaid"] = agent_mermaid(self.workspace, name, self.adapter)
        return out

    async def list_tools(self, agent: str | None = None) -> list[dict[str, Any]]:
        """Like :meth:`describe_tools`, with the tools of MCP servers (connecting them):
        every server's, or those ``agent``'s servers give it."""
        return await self.toolbox.list_tools(
            None if agent is None else resolve_agent(self.workspace, agent))

    def describe_tools(self, agent: str | None = None) -> list[dict[str, Any]]:
        """Every tool of the workspace, or those ``agent`` may call (its subagents' too)."""
        return self.toolbox.describe(None if agent is None
                                     else resolve_agent(self.workspace, agent))

    def _can_resume(self, agent: str) -> bool:
        try:
            spec = self.workspace.agent_entry(agent)
        except StableHarnessError:  # a workflow no backend dispatches any more
            return False
        if spec is None:
            return False
        record = self.workspace.plugins.registry(Slot.BACKEND).get(spec.doc.spec.backend).record
        return record.capabilities.get("resume", Support.UNSUPPORTED) != Support.UNSUPPORTED

    def resolve_tool(self, agent: str, name: str) -> LoadedTool:
        """Load tool ``name`` for ``agent`` (raises a model-readable error when not allowed)."""
        return self.toolbox.resolve(agent, name)

    # -- reading -----------------------------------------------------------------------------

    async def get_run(self, run_id: str) -> Run:
        """``harness.run.get``: one run, or :class:`NotFoundError`."""
        run = await self.store.get_run(run_id)
        if run is None:
            raise NotFoundError(f"no run '{run_id}'")
        return run

    async def harness_run(self, run_id: str) -> dict[str, Any]:
        """``harness.run.get`` in the contract's shape (:func:`.harness_view.harness_run`)."""
        from stable_harness.runtime.harness_view import harness_run

        return harness_run(await self.get_run(run_id), self.workspace,
                           await self.store.read_events(run_id),
                           await evidence_count(self.store, run_id))

    async def list_runs(self, *, session_id: str | None = None,
                        status: RunStatus | str | None = None, limit: int = 100) -> list[Run]:
        """Runs, newest first (a session's runs oldest first)."""
        statuses = None if status is None else {RunStatus(status)}
        return await self.store.list_runs(session_id=session_id, statuses=statuses, limit=limit)

    async def get_session(self, session_id: str) -> Session:
        """One session, or :class:`NotFoundError`."""
        session = await self.store.get_session(session_id)
        if session is None:
            raise NotFoundError(f"no session '{session_id}'")
        return session

    async def list_sessions(self, limit: int = 100) -> list[Session]:
        """Sessions, most recently active first."""
        return await self.store.list_sessions(limit)

    async def get_approval(self, approval_id: str) -> Approval:
        """One approval, or :class:`NotFoundError`."""
        approval = await self.store.get_approval(approval_id)
        if approval is None:
            raise NotFoundError(f"no approval '{approval_id}'")
        return approval

    async def list_approvals(self, *, run_id: str | None = None, status: str | None = None
                             ) -> list[Approval]:
        """Approvals, oldest first (``status="pending"`` for those awaiting a decision)."""
        return await self.store.list_approvals(run_id=run_id, status=status)

    async def events(self, run_id: str, after: int = 0, *, until: Until = "terminal",
                     follow: bool = True) -> AsyncIterator[Event]:
        """A run's events from cursor ``after`` (a ``seq``), following live ones until the run
        is terminal (``until="settled"``: also stop when it parks for an approval)."""
        await self.get_run(run_id)
        with self._remote_wakeups(run_id) if follow else contextlib.nullcontext():
            while True:
                signal = self.bus.signal(run_id)
                for event in await self.store.read_events(run_id, after):
                    after = event.seq
                    yield event
                run = await self.get_run(run_id)
                if not follow or (after >= run.last_seq and _stops(run.status, until)):
                    return
                await wait_signal(signal, STREAM_POLL_SECONDS)

    async def wait(self, run_id: str, *, until: Until = "terminal",
                   timeout: float | None = None) -> Run:
        """Wait until the run is terminal (or, with ``settled``, parked); return it."""
        async with asyncio.timeout(timeout):
            run = await self.get_run(run_id)
            if _stops(run.status, until):
                return run
            with self._remote_wakeups(run_id):
                while True:
                    signal = self.bus.signal(run_id, state_only=True)
                    run = await self.get_run(run_id)
                    if _stops(run.status, until):
                        return run
                    await wait_signal(signal, STREAM_POLL_SECONDS)

    def _remote_wakeups(self, run_id: str) -> contextlib.AbstractContextManager[None]:
        """While waiting on a run another process may drive, its state changes wake us
        through the store's signals (else the poll interval is the latency); a run this
        process drives wakes us through the bus alone."""
        if run_id in self._tasks:
            return contextlib.nullcontext()
        return self.wakeups.watching(run_id, lambda: self.bus.notify({run_id}, {run_id}))

    # -- harness.run.cancel ------------------------------------------------------------------

    async def cancel(self, run_id: str, *, reason: str | None = None, wait: float = 10.0
                     ) -> dict[str, Any]:
        """``harness.run.cancel``: stop the run wherever it is driven; return ``runId``,
        ``status`` and ``cancelledAt``. Cancelling a finished run changes nothing."""
        run = await self.get_run(run_id)
        reason = reason or "cancelled by request"
        if not run.status.terminal and run_id in self._tasks:
            await self._cancel_local(run_id, reason)
            run = await self.get_run(run_id)
            if run.owner == self.owner:  # the task ended without finishing the run
                await self.store.release(run_id, self.owner)
                run = await self.get_run(run_id)
        if not run.status.terminal:
            if not await self._cancel_unowned(run, reason):
                await request_cancel(self.store, run)
                with contextlib.suppress(TimeoutError):
                    await self.wait(run_id, timeout=wait)
            run = await self.get_run(run_id)
        return cancel_result(run)

    async def _cancel_local(self, run_id: str, reason: str) -> None:
        entry = self._tasks.get(run_id)
        if entry is not None:
            # only an adapter that exists can be running something: building one here (a
            # tool-mode run never needs its agent's) would import a backend on the loop
            await cancel_task(entry[0], entry[1], self._adapters.get(entry[1].run.agent), reason)

    async def _cancel_unowned(self, run: Run, reason: str) -> bool:
        events = await cancel_unowned(self.store, run, reason)
        if events is None:
            return False
        self.publish(events)
        self._start_next(run.session_id)
        return True

    # -- approvals ---------------------------------------------------------------------------

    async def resolve_approval(self, approval_id: str, decision: DecisionKind | str, *,
                               message: str | None = None,
                               arguments: dict[str, Any] | None = None,
                               by: str | None = None, value: Any = None) -> Approval:
        """Record a decision (approve / edit with new ``arguments`` / reject with a
        ``message``; ``value``: the answer in the framework's own terms, see
        :class:`Decision`) and resume the run in this process."""
        self._check_open()
        resolved, made, events = await record_decision(
            self.store, approval_id, decision, message=message, arguments=arguments, by=by,
            value=value)
        approval = resolved
        self.publish(events)
        stamp = time.time()
        claimed = await self.store.claim(approval.run_id, self.owner,
                                         stamp + self.spec.lease_seconds, stamp,
                                         {RunStatus.WAITING_APPROVAL})
        if claimed is not None:  # return once the run is running again, so callers see it move
            active = self._launch(claimed, "resume", made)
            began = asyncio.ensure_future(active.began.wait())
            await asyncio.wait([began, self._tasks.get(claimed.id, (began,))[0]],
                               return_when=asyncio.FIRST_COMPLETED)
            began.cancel()
        return resolved

    # -- export / import ---------------------------------------------------------------------

    async def export_run(self, run_id: str) -> dict[str, Any]:
        """One JSON document holding the run and everything recorded about it."""
        from stable_harness.runtime.exchange import export_run

        document: dict[str, Any] = self.redactor.tree(await export_run(self.store, run_id))
        return document

    async def import_run(self, document: Any) -> Run:
        """Store an exported run; a malformed document or a known run id changes nothing."""
        from stable_harness.runtime.exchange import import_run

        self._check_open()
        return await import_run(self.store, document)

    # -- recovery ----------------------------------------------------------------------------

    async def recover(self) -> list[str]:
        """Take over in-flight runs nobody holds (lease expired, or owner process gone):
        resume them when their backend can, otherwise fail them with ``interrupted``."""
        return await recover_orphans(self)

    # -- publishing --------------------------------------------------------------------------

    def publish(self, events: list[Event]) -> None:
        """Announce committed events: wake waiters and feed the sinks."""
        changed = {e.run_id for e in events if e.type.startswith("harness.run.")
                   or e.type == EventType.STEP_BLOCKED}
        self.bus.notify({e.run_id for e in events}, changed)
        self.wakeups.state_changed(changed)  # waiters in other processes
        self.sinks.publish(events)

    async def _sink_failed(self, sink: str, event: Event, exc: BaseException) -> None:
        message = f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(Exception):
            await self.store.record_sink_failure(sink, message, time.time())
        key = (sink, event.run_id)
        if key in self._reported_sink_failures or self._closed:
            return
        self._reported_sink_failures.add(key)
        payload = {"runId": event.run_id, "sink": sink, "error": message}
        held = self._tasks.get(event.run_id)
        if held is not None and held[1].run.owner == self.owner:  # still ours: in its stream
            await held[1].emit(EventType.SINK_FAILED, payload)
            return
        result = await self.store.update_unowned(
            event.run_id, set(RunStatus), {}, [PendingEvent(EventType.SINK_FAILED, payload)])
        if result is not None:
            self.publish(result[1])

    def sink_health(self) -> dict[str, dict[str, Any]]:
        """Delivery counters of this process's sinks."""
        return self.sinks.health()

    def active_run_ids(self) -> list[str]:
        """Runs this process is driving right now."""
        return list(self._tasks)

    def _check_open(self) -> None:
        if self._closed:
            raise StableHarnessError("the runtime is closed")


__all__ = ["Runtime", "make_store"]


def _stops(status: RunStatus, until: Until) -> bool:
    return status.terminal or (until == "settled" and status is RunStatus.WAITING_APPROVAL)



def _winding_down(active: ActiveRun) -> bool:
    """The activation has parked or finished and only cleans up."""
    return active.run.status is RunStatus.WAITING_APPROVAL or active.run.status.terminal
