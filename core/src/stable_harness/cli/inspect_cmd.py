"""``inspect``: runs, sessions, approvals, and one run in detail (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from stable_harness.cli.event_view import describe, short
from stable_harness.cli.output import console, counted, print_json
from stable_harness.cli.runtime_call import with_runtime

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
LimitOpt = Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many.")]


def _table(columns: list[str], rows: list[list[Any]], title: str) -> None:
    from rich.table import Table

    table = Table(*columns, title=title, title_justify="left", box=None, pad_edge=False)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console().print(table)


def runs(
    ctx: typer.Context,
    session: Annotated[str | None, typer.Option("--session", "-s", help="Only this session.")]
    = None,
    status: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    limit: LimitOpt = 50,
    as_json: JsonOpt = False,
) -> None:
    """List runs, newest first."""

    async def body(rt: Runtime) -> list[dict[str, Any]]:
        from stable_harness.errors import InvalidRequestError
        from stable_harness.runs import RunStatus

        if status is not None and status not in set(RunStatus):
            raise InvalidRequestError(f"--status: unknown status {status!r} (one of "
                                      f"{', '.join(RunStatus)})")
        return [r.to_dict() for r in await rt.list_runs(session_id=session, status=status,
                                                         limit=limit)]

    rows = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(rows)
        return
    _table(["run", "status", "agent", "session", "created", "input"],
           [[r["runId"], r["status"], r["agent"], r["sessionId"], r["createdAt"][:19],
             short(r["input"], 40)] for r in rows], counted(len(rows), "run"))


def sessions(ctx: typer.Context, limit: LimitOpt = 50, as_json: JsonOpt = False) -> None:
    """List sessions, most recently active first."""

    async def body(rt: Runtime) -> list[dict[str, Any]]:
        out = []
        for s in await rt.list_sessions(limit):
            runs = await rt.list_runs(session_id=s.id, limit=10_000)
            out.append(s.to_dict() | {"runs": len(runs),
                                      "lastStatus": str(runs[-1].status) if runs else None})
        return out

    rows = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(rows)
        return
    _table(["session", "agent", "runs", "last status", "updated"],
           [[r["sessionId"], r["agent"], r["runs"], r["lastStatus"], r["updatedAt"][:19]]
            for r in rows], counted(len(rows), "session"))


def approvals(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include decided ones.")] = False,
    run_id: Annotated[str | None, typer.Option("--run", help="Only this run.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List approvals waiting for a decision (``--all``: decided ones too)."""

    async def body(rt: Runtime) -> list[dict[str, Any]]:
        found = await rt.list_approvals(run_id=run_id, status=None if all_ else "pending")
        return [a.to_dict() for a in found]

    rows = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(rows)
        return
    _table(["approval", "status", "run", "reason", "action"],
           [[a["approvalId"], a["status"], a["runId"], a["reason"], short(a["action"], 50)]
            for a in rows], counted(len(rows), "approval"))


def run(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="Run id.")],
    as_json: JsonOpt = False,
) -> None:
    """One run: its state, attempts, approvals, tool calls, artifacts and event timeline."""

    async def body(rt: Runtime) -> dict[str, Any]:
        found = await rt.get_run(run_id)
        return {
            "run": found.to_dict(),
            "attempts": [a.to_dict() for a in await rt.store.list_attempts(run_id)],
            "approvals": [a.to_dict() for a in await rt.list_approvals(run_id=run_id)],
            "toolCalls": [e.to_dict() for e in (await rt.store.ledger(run_id)).values()],
            "artifacts": [a.to_dict() for a in await rt.store.list_artifacts(run_id)],
            "events": [e.to_dict() for e in await rt.store.read_events(run_id)],
        }

    detail = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(detail)
        return
    _show_run(detail)


def _show_run(detail: dict[str, Any]) -> None:
    from stable_harness.runs import Event

    r = detail["run"]
    out = console()
    out.print(f"run {r['runId']}  {r['status']}  agent {r['agent']}  session {r['sessionId']}",
              markup=False)
    out.print(f"created {r['createdAt']}  ended {r['endedAt'] or '-'}  attempts {r['attempt']}",
              markup=False)
    if r["error"]:
        out.print(f"error {r['error'].get('code')}: {r['error'].get('message')}", markup=False)
    for a in detail["attempts"]:
        out.print(f"  attempt {a['attempt']} ({a['reason']}): {a['outcome'] or 'in progress'}",
                  markup=False)
    rows = []
    for e in detail["events"]:
        event = Event(e["runId"], e["seq"], e["type"], e["sessionId"], e["timestamp"],
                      e["payload"], e["parentId"])
        rows.append([e["seq"], e["timestamp"][11:23], e["type"].removeprefix("harness."),
                     describe(event)])
    _table(["seq", "time", "event", "detail"], rows, "timeline")


def agent(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Agent name (default: the default agent).")
                    ] = None,
    graph: Annotated[bool, typer.Option("--graph", help="Draw its graph as Mermaid.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """One agent: backend, model, tools, subagents, capabilities, and (--graph) its graph."""

    async def body(rt: Runtime) -> dict[str, Any]:
        return rt.describe_agent(name, graph=graph)

    info = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(info)
        return
    out = console()
    out.print(f"[bold]{info['agent']}[/] on backend [bold]{info['backend']}[/]"
              + (f": {info['description']}" if info["description"] else ""))
    for key in ("model", "tools", "subagents", "skills", "graph"):
        value = info[key]
        if value:
            out.print(f"  {key}: {', '.join(value) if isinstance(value, list) else value}")
    out.print("  capabilities: " + ", ".join(f"{k}={v}" for k, v in info["capabilities"].items()))
    if graph:
        print(info["mermaid"])
