"""What the routes do, over the runtime: assistants are agents (or configs of them kept in the
run store), threads are sessions, runs are runs. Every run a LangGraph client starts is a
normal stable-harness run: same events, gateway, approvals, cancel, recovery and busy-session
policy; ``RunRequest.upstream`` carries what the graph is given as is."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import Any, get_args

from stable_harness.backends.contract import GraphThreads
from stable_harness.errors import ConflictError, InvalidRequestError, NotFoundError
from stable_harness.runs.models import Run, RunRequest, Session
from stable_harness.runs.states import IN_FLIGHT, RunStatus
from stable_harness.runtime import Runtime
from stable_harness.runtime.admission import SESSION_ID_PATTERN
from stable_harness.runtime.busy import roll_back
from stable_harness.store.contract import WriteBatch

from stable_harness_langgraph_api.config import LangGraphConfig
from stable_harness_langgraph_api.resume import decision_for
from stable_harness_langgraph_api.schemas import StreamModeName
from stable_harness_langgraph_api.shapes import default_assistant_id, thread_status

ASSISTANT = "langgraph.assistant"
STREAM_MODES = get_args(StreamModeName)


class LangGraphService:
    """The LangGraph API's operations on ``runtime``."""

    def __init__(self, runtime: Runtime, config: LangGraphConfig) -> None:
        self.runtime = runtime
        self.store = runtime.store
        self.config = config
        self._cleanup: set[asyncio.Task[None]] = set()

    # -- assistants -------------------------------------------------------------------------

    def agents(self) -> list[str]:
        """The exposed agents (graph ids)."""
        names = sorted(self.runtime.workspace.agents)
        allowed = self.config.expose_agents
        return names if allowed is None else [n for n in names if n in allowed]

    def default_assistant(self, agent: str) -> dict[str, Any]:
        doc = self.runtime.workspace.agents[agent].doc
        return {"assistant_id": default_assistant_id(agent), "graph_id": agent,
                "config": {}, "context": {}, "metadata": {"created_by": "system"},
                "version": 1, "name": agent,
                "description": doc.metadata.description or None,
                "created_at": None, "updated_at": None}

    async def assistants(self) -> list[dict[str, Any]]:
        """Every assistant: the agents' defaults, then those created through the API."""
        out = [self.default_assistant(a) for a in self.agents()]
        for doc in await self.store.list_documents(ASSISTANT):
            if doc.body.get("graph_id") in self.agents():
                out.append(_assistant(doc.body, doc.created_at, doc.updated_at))
        return out

    async def assistant(self, assistant_id: str) -> dict[str, Any]:
        """An assistant by id, or by graph id (its agent's default)."""
        agents = self.agents()
        if assistant_id in agents:
            return self.default_assistant(assistant_id)
        for agent in agents:
            if default_assistant_id(agent) == assistant_id:
                return self.default_assistant(agent)
        doc = await self.store.get_document(ASSISTANT, assistant_id)
        if doc is None or doc.body.get("graph_id") not in agents:
            raise NotFoundError(f"no assistant {assistant_id!r} (graphs: "
                                f"{', '.join(agents) or 'none'})", field="assistant_id")
        return _assistant(doc.body, doc.created_at, doc.updated_at)

    async def put_assistant(self, assistant_id: str | None, body: dict[str, Any],
                            if_exists: str = "raise") -> dict[str, Any]:
        """Create (``assistant_id`` None or new) or replace an assistant, keeping versions."""
        if body["graph_id"] not in self.agents():
            raise NotFoundError(f"no graph {body['graph_id']!r} (graphs: "
                                f"{', '.join(self.agents()) or 'none'})", field="graph_id")
        assistant_id = assistant_id or str(uuid.uuid4())
        existing = await self.store.get_document(ASSISTANT, assistant_id)
        if existing is not None and if_exists == "do_nothing":
            return _assistant(existing.body, existing.created_at, existing.updated_at)
        if existing is not None and if_exists == "raise":
            raise ConflictError(f"assistant {assistant_id} already exists",
                                field="assistant_id")
        versions = list(existing.body.get("versions", [])) if existing else []
        current = {k: body.get(k) for k in ("graph_id", "config", "context", "metadata",
                                             "name", "description")}
        current["version"] = len(versions) + 1
        versions.append(current)
        doc = await self.store.put_document(
            ASSISTANT, assistant_id, {**current, "assistant_id": assistant_id,
                                      "versions": versions}, time.time())
        return _assistant(doc.body, doc.created_at, doc.updated_at)

    async def update_assistant(self, assistant_id: str, patch: dict[str, Any]
                               ) -> dict[str, Any]:
        doc = await self.store.get_document(ASSISTANT, assistant_id)
        if doc is None:
            raise NotFoundError(f"no assistant {assistant_id!r} created through this API "
                                "(an agent's default assistant is its YAML)",
                                field="assistant_id")
        merged = {**doc.body, **{k: v for k, v in patch.items() if v is not None}}
        return await self.put_assistant(assistant_id, merged, if_exists="update")

    async def set_latest(self, assistant_id: str, version: int) -> dict[str, Any]:
        doc = await self.store.get_document(ASSISTANT, assistant_id)
        versions = [] if doc is None else doc.body.get("versions", [])
        chosen = next((v for v in versions if v.get("version") == version), None)
        if doc is None or chosen is None:
            raise NotFoundError(f"assistant {assistant_id!r} has no version {version}",
                                field="version")
        body = {**doc.body, **chosen}
        stored = await self.store.put_document(ASSISTANT, assistant_id, body, time.time())
        return _assistant(stored.body, stored.created_at, stored.updated_at)

    async def versions(self, assistant_id: str) -> list[dict[str, Any]]:
        doc = await self.store.get_document(ASSISTANT, assistant_id)
        if doc is None:
            assistant = await self.assistant(assistant_id)
            return [assistant]
        return [{**v, "assistant_id": assistant_id} for v in
                reversed(doc.body.get("versions", []))]

    async def delete_assistant(self, assistant_id: str) -> None:
        if not await self.store.delete_document(ASSISTANT, assistant_id):
            raise NotFoundError(f"no assistant {assistant_id!r} created through this API",
                                field="assistant_id")

    # -- threads ----------------------------------------------------------------------------

    async def session(self, thread_id: str) -> Session:
        found = await self.store.get_session(thread_id)
        if found is None:
            raise NotFoundError(f"no thread {thread_id!r}", field="thread_id")
        return found

    async def create_thread(self, thread_id: str | None, metadata: dict[str, Any],
                            if_exists: str = "raise") -> Session:
        thread_id = thread_id or str(uuid.uuid4())
        if not SESSION_ID_PATTERN.match(thread_id):
            raise InvalidRequestError(f"invalid thread id {thread_id!r}: use 1-128 letters, "
                                      "digits, '_', '.', ':' or '-'", field="thread_id")
        existing = await self.store.get_session(thread_id)
        if existing is not None:
            if if_exists == "do_nothing":
                return existing
            raise ConflictError(f"thread {thread_id} already exists", field="thread_id")
        now = time.time()
        await self.store.write(WriteBatch(sessions=[Session(thread_id, "", now, now,
                                                            dict(metadata))]))
        return await self.session(thread_id)

    async def runs_of(self, thread_id: str) -> list[Run]:
        """The thread's runs, oldest first."""
        return await self.store.list_runs(session_id=thread_id, limit=10_000)

    async def threads(self, thread_id: str, runs: list[Run] | None = None) -> list[str]:
        """Checkpoint threads of a session, newest first (see ``GraphThreads``)."""
        runs = await self.runs_of(thread_id) if runs is None else runs
        return [*(r.id for r in reversed(runs) if r.attempt > 0 and not r.rolled_back),
                thread_id]

    def graph_threads(self, agent: str) -> GraphThreads | None:
        """The agent's adapter when it keeps graph state."""
        if agent not in self.runtime.workspace.agents:
            return None
        adapter = self.runtime.adapter(agent)
        return adapter if isinstance(adapter, GraphThreads) else None

    def _graph_of(self, session: Session) -> tuple[str | None, GraphThreads | None]:
        """The thread's agent (its runs', or the ``graph_id`` it was created with) and that
        agent's adapter when it keeps graph state."""
        agent = session.agent or session.metadata.get("graph_id")
        if not isinstance(agent, str) or not agent:
            return None, None
        return agent, self.graph_threads(agent)

    async def state(self, session: Session, checkpoint_id: str | None = None,
                    subgraphs: bool = False) -> dict[str, Any]:
        """The thread's ``ThreadState`` (checkpoint references name the thread)."""
        runs = await self.runs_of(session.id)
        _, graph = self._graph_of(session)
        snapshot = None
        if graph is not None:
            snapshot = await graph.thread_state(await self.threads(session.id, runs),
                                                checkpoint_id, subgraphs)
        if snapshot is None:
            if checkpoint_id is not None:
                raise NotFoundError(f"thread {session.id} has no checkpoint "
                                    f"{checkpoint_id!r}", field="checkpoint_id")
            snapshot = _plain_state(session.id, runs)
        return _own(snapshot, session.id)

    async def history(self, session: Session, limit: int, before: str | None,
                      metadata: dict[str, Any] | None) -> list[dict[str, Any]]:
        _, graph = self._graph_of(session)
        if graph is None:
            runs = await self.runs_of(session.id)
            return [] if not runs else [_own(_plain_state(session.id, runs), session.id)]
        found = await graph.thread_history(await self.threads(session.id), limit=limit,
                                           before=before, metadata=metadata)
        return [_own(s, session.id) for s in found]

    async def update_state(self, session: Session, values: Any, as_node: str | None
                           ) -> dict[str, Any]:
        _, graph = self._graph_of(session)
        if graph is None:
            raise ConflictError(
                f"thread {session.id} has no graph state to update: run a graph on it first "
                "(or create it with metadata graph_id)", field="thread_id")
        await self._not_busy(session.id)
        out = await graph.update_thread_state(await self.threads(session.id), values, as_node)
        return {"checkpoint": {**(out.get("checkpoint") or {}), "thread_id": session.id}}

    async def copy_thread(self, session: Session) -> Session:
        copy = await self.create_thread(None, dict(session.metadata))
        agent, graph = self._graph_of(session)
        if graph is not None:
            await graph.copy_thread(await self.threads(session.id), copy.id)
            if agent is not None and not copy.metadata.get("graph_id"):
                copy = await self.store.update_session(
                    copy.id, {**copy.metadata, "graph_id": agent}, time.time()) or copy
        return copy

    async def delete_thread(self, thread_id: str) -> None:
        await self.session(thread_id)
        for run in await self.store.list_runs(session_id=thread_id, statuses=IN_FLIGHT):
            await self.runtime.cancel(run.id, reason="thread deleted (LangGraph API)")
        await self.store.delete_session(thread_id)

    async def status(self, thread_id: str) -> str:
        return thread_status(await self.runs_of(thread_id))

    async def _not_busy(self, thread_id: str) -> None:
        if await self.status(thread_id) == "busy":
            raise ConflictError(f"thread {thread_id} has a run in progress",
                                field="thread_id")

    # -- runs -------------------------------------------------------------------------------

    async def create_run(self, thread_id: str | None, body: dict[str, Any], *,
                         answered: bool | str = False, idempotency_key: str | None = None
                         ) -> Run:
        """Start (or, with ``command.resume``, resume) a run; return it once durable.
        A stateless run's thread is deleted when it ends (``on_completion: delete``), unless
        ``answered``: the caller streams (True) or waits (``"wait"``: no stream parts are
        written unless asked for) and calls :meth:`forget` after."""
        assistant = await self.assistant(body["assistant_id"])
        agent = assistant["graph_id"]
        strategy = body.get("multitask_strategy") or "enqueue"
        if thread_id is not None:
            try:
                session = await self.session(thread_id)
            except NotFoundError:
                if body.get("if_not_exists") != "create":
                    raise
                session = await self.create_thread(thread_id, {})
            command = body.get("command") or {}
            if "resume" in command:
                return await self.resume(session, command["resume"], body)
            await self._supersede_parked(session.id)
        # a run nobody streams writes no stream parts, unless its request named modes
        modes = _modes(body.get("stream_mode"), [] if answered == "wait" else ["values"])
        fork = body.get("checkpoint_id") or (body.get("checkpoint") or {}).get("checkpoint_id")
        if fork is not None:  # refused before anything is stored, not as a failed run
            if thread_id is None:
                raise InvalidRequestError("checkpoint_id needs a thread", field="checkpoint_id")
            await self.state(await self.session(thread_id), str(fork))
        config = body.get("config") or {}
        configurable = {**((assistant.get("config") or {}).get("configurable") or {}),
                        **(config.get("configurable") or {})}
        upstream = {"assistantId": assistant["assistant_id"], "streamMode": modes,
                    "subgraphs": bool(body.get("stream_subgraphs")),
                    "configurable": configurable,
                    "context": body.get("context") or assistant.get("context") or None,
                    "command": body.get("command"), "multitaskStrategy": strategy,
                    "interruptBefore": body.get("interrupt_before"),
                    "interruptAfter": body.get("interrupt_after"),
                    "checkpointId": fork}
        request = RunRequest(input=body.get("input"), agent=agent, session_id=thread_id,
                             metadata={**(body.get("metadata") or {})},
                             upstream={k: v for k, v in upstream.items() if v is not None},
                             busy_session=strategy, idempotency_key=idempotency_key)
        run = await self.runtime.start(request)
        if thread_id is None and body.get("on_completion", "delete") == "delete" \
                and not answered:
            self.forget(run)
        return run

    async def _supersede_parked(self, thread_id: str) -> None:
        """A LangGraph thread that is interrupted is not busy: new input replaces the pause,
        so the parked run ends (cancelled) before the new one starts."""
        runs = await self.store.list_runs(session_id=thread_id,
                                          statuses={RunStatus.WAITING_APPROVAL})
        for run in runs:
            await self.runtime.cancel(run.id, reason="superseded by new input (LangGraph API)")

    async def resume(self, session: Session, value: Any, body: dict[str, Any]) -> Run:
        """``command.resume``: decide the parked run's pending approval with ``value``; the
        run continues with the stream modes of both requests."""
        runs = await self.store.list_runs(session_id=session.id,
                                          statuses={RunStatus.WAITING_APPROVAL})
        if not runs:
            raise ConflictError(f"thread {session.id} has no interrupted run to resume",
                                field="command.resume")
        run = runs[-1]
        pending = await self.runtime.list_approvals(run_id=run.id, status="pending")
        if not pending:
            raise ConflictError(f"run {run.id} has no pending interrupt", field="command.resume")
        kind, message, arguments = decision_for(value)
        upstream = dict(run.upstream or {})
        modes = list(dict.fromkeys([*upstream.get("streamMode", []),
                                    *_modes(body.get("stream_mode"))]))
        subgraphs = bool(upstream.get("subgraphs") or body.get("stream_subgraphs"))
        if run.upstream is not None and (modes != upstream.get("streamMode")
                                         or subgraphs != bool(upstream.get("subgraphs"))):
            await self.store.update_unowned(
                run.id, {RunStatus.WAITING_APPROVAL},
                {"upstream": {**upstream, "streamMode": modes, "subgraphs": subgraphs}}, [])
        await self.runtime.resolve_approval(pending[0].id, kind, message=message,
                                            arguments=arguments, by="langgraph-api",
                                            value=value)
        return await self.runtime.get_run(run.id)

    def forget(self, run: Run) -> None:
        """Delete a stateless run's thread once the run has ended."""
        async def clean() -> None:
            with contextlib.suppress(Exception):
                await self.runtime.wait(run.id, until="terminal")
                await self.store.delete_session(run.session_id)
        task = asyncio.get_running_loop().create_task(clean(), name=f"delete-{run.id}")
        self._cleanup.add(task)
        task.add_done_callback(self._cleanup.discard)

    async def run(self, thread_id: str, run_id: str) -> Run:
        run = await self.store.get_run(run_id)
        if run is None or run.session_id != thread_id:
            raise NotFoundError(f"no run {run_id!r} in thread {thread_id!r}", field="run_id")
        return run

    async def cancel(self, run: Run, action: str, wait: bool) -> Run:
        if not run.status.terminal:
            await self.runtime.cancel(run.id, reason=f"cancelled by a LangGraph client "
                                                     f"({action})", wait=10.0 if wait else 0)
        if action == "rollback":
            await roll_back(self.runtime, await self.runtime.get_run(run.id))
        return await self.runtime.get_run(run.id)

    async def delete_run(self, run: Run) -> None:
        if not run.status.terminal:
            raise ConflictError(f"run {run.id} is {run.status}; cancel it first",
                                field="run_id")
        await self.store.delete_run(run.id)

    async def final_values(self, run: Run) -> Any:
        """What ``wait`` and ``join`` answer: the thread's values after the run, its
        interrupt when it paused, or ``__error__`` when it failed."""
        if run.status in (RunStatus.FAILED, RunStatus.BLOCKED):
            error = run.error or {}
            return {"__error__": {"error": error.get("type") or error.get("code") or "Error",
                                  "message": error.get("message", "")}}
        session = await self.store.get_session(run.session_id)
        if session is None:  # a stateless run, deleted on completion
            return _plain_values(run)
        state = await self.state(session)
        values = state["values"]
        if run.status is RunStatus.WAITING_APPROVAL and isinstance(values, dict):
            values = {**values, "__interrupt__": state.get("interrupts")
                      or await self.interrupts(run)}
        return values

    async def interrupts(self, run: Run) -> list[dict[str, Any]]:
        """A parked run's pending approvals as LangGraph interrupts."""
        pending = await self.runtime.list_approvals(run_id=run.id, status="pending")
        return [{"value": _interrupt_value(a.action), "id": a.key} for a in pending]


def _assistant(body: dict[str, Any], created: float, updated: float) -> dict[str, Any]:
    from stable_harness.runs.models import iso

    return {"assistant_id": body["assistant_id"], "graph_id": body["graph_id"],
            "config": body.get("config") or {}, "context": body.get("context") or {},
            "metadata": body.get("metadata") or {}, "version": body.get("version", 1),
            "name": body.get("name") or body["graph_id"],
            "description": body.get("description"), "created_at": iso(created),
            "updated_at": iso(updated)}


def _modes(value: Any, default: list[str] | None = None) -> list[str]:
    given = default if default is not None else ["values"]
    modes = [value] if isinstance(value, str) else list(value or given)
    for mode in modes:
        if mode not in STREAM_MODES:
            raise InvalidRequestError(f"unknown stream mode {mode!r} (known: "
                                      f"{', '.join(STREAM_MODES)})", field="stream_mode")
    return modes


def _interrupt_value(action: dict[str, Any]) -> Any:
    """A runtime approval's action as the value a LangGraph client shows: the graph's own
    interrupt value when it came from one."""
    if set(action) == {"value"}:
        return action["value"]
    return action


def _plain_values(run: Run) -> Any:
    if isinstance(run.output, dict):
        return run.output
    messages: list[dict[str, Any]] = [{"type": "human", "content": _text(run.input)}]
    if run.output is not None:
        messages.append({"type": "ai", "content": _text(run.output)})
    return {"messages": messages}


def _plain_state(thread_id: str, runs: list[Run]) -> dict[str, Any]:
    """A thread's state for a backend without graph state: its turns as messages."""
    messages: list[dict[str, Any]] = []
    for run in runs:
        if run.rolled_back or run.status is not RunStatus.COMPLETED:
            continue
        messages.extend(_plain_values(run).get("messages", []))
    return {"values": {"messages": messages} if messages else {}, "next": [],
            "checkpoint": {"thread_id": thread_id, "checkpoint_ns": "",
                           "checkpoint_id": None, "checkpoint_map": None},
            "metadata": {}, "created_at": None, "parent_checkpoint": None, "tasks": [],
            "interrupts": []}


def _own(snapshot: dict[str, Any], thread_id: str) -> dict[str, Any]:
    """Checkpoint references name the LangGraph thread, not the run's checkpoint thread."""
    out = dict(snapshot)
    for key in ("checkpoint", "parent_checkpoint"):
        if isinstance(out.get(key), dict):
            out[key] = {**out[key], "thread_id": thread_id}
    return out


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("messages"), list) and value["messages"]:
        last = value["messages"][-1]
        if isinstance(last, dict):
            return str(last.get("content", ""))
    import json

    return json.dumps(value, ensure_ascii=False, default=str)
