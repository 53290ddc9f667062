"""``run``, ``cancel``, ``approve`` and ``recover``: starting and steering runs."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stable_harness.cli.event_view import EventPrinter, exit_code
from stable_harness.cli.output import console, print_json
from stable_harness.cli.runtime_call import parse_json_option, with_runtime, with_store

if TYPE_CHECKING:
    from stable_harness.runs import Run
    from stable_harness.runtime import Runtime
    from stable_harness.store.contract import RunStore

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document per line.")]


async def follow(rt: Runtime, run_id: str, printer: EventPrinter, after: int = 0) -> Run:
    """Print the run's events until it settles; Ctrl-C cancels the run."""
    loop = asyncio.get_running_loop()
    stream = asyncio.current_task()
    interrupted = False

    def on_sigint() -> None:
        nonlocal interrupted
        interrupted = True
        if stream is not None:
            stream.cancel()

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    try:
        async for event in rt.events(run_id, after, until="settled"):
            printer.show(event)
    except asyncio.CancelledError:
        if not interrupted:
            raise
        asyncio.current_task().uncancel()  # type: ignore[union-attr]
        await rt.cancel(run_id, reason="interrupted from the terminal (Ctrl-C)")
        async for event in rt.events(run_id, printer_seq(printer, after), until="settled"):
            printer.show(event)
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
    return await rt.get_run(run_id)


def printer_seq(printer: EventPrinter, after: int) -> int:
    """The cursor after what ``printer`` has shown."""
    return after + printer.count


def run(
    ctx: typer.Context,
    prompt: Annotated[str | None, typer.Argument(
        help="The input of the run (text); or use --input-json.", show_default=False)] = None,
    agent: Annotated[str | None, typer.Option("--agent", "-a", help="Agent name.")] = None,
    input_json: Annotated[str | None, typer.Option(
        "--input-json", help="The input as JSON (an object for a graph's state), instead of "
                             "the text argument.")] = None,
    tool: Annotated[str | None, typer.Option(
        "--tool", help="Call this tool through the gateway instead of running the agent "
                       "(as `tool call` does).")] = None,
    tool_args_json: Annotated[str | None, typer.Option(
        "--tool-args-json", help="Arguments of --tool: a JSON object.")] = None,
    workflow: Annotated[str | None, typer.Option(
        "--workflow", help="Dispatch this Workflow document (a backend that opts in, e.g. "
                           "langgraph, compiles it).")] = None,
    session: Annotated[str | None, typer.Option("--session", "-s",
                                                help="Session id (new if omitted).")] = None,
    idempotency_key: Annotated[str | None, typer.Option(
        "--idempotency-key", help="Repeat-safe key: the same key returns the same run.")] = None,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", help="Time limit in seconds (overrides the workspace).")] = None,
    metadata: Annotated[str | None, typer.Option("--metadata", help="JSON object.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Start a run and show its events live until it finishes or waits for an approval.

    Exit status: 0 completed, 1 failed or blocked, 3 waiting for an approval, 130 cancelled.
    """
    from stable_harness.cli.output import fail

    meta = parse_json_option(metadata, "--metadata", as_json=as_json) or {}
    if prompt is not None and input_json is not None:
        fail("give the input once: the text argument or --input-json", as_json=as_json)
    if tool_args_json is not None and tool is None:
        fail("--tool-args-json needs --tool NAME", as_json=as_json)
    if prompt is None and input_json is None and tool is None and workflow is None:
        fail("no input: give the text (`run 'hello'`), --input-json '{...}' or "
             "--tool NAME", as_json=as_json)
    value = prompt if input_json is None else parse_json_option(
        input_json, "--input-json", as_json=as_json)
    printer = EventPrinter(as_json, None if as_json else console())

    async def body(rt: Runtime) -> Run:
        from stable_harness.runs import RunRequest, ToolCallRequest

        call = None if tool is None else ToolCallRequest(tool, tool_args_json or "{}")
        started = await rt.start(RunRequest(value, agent, session, meta, idempotency_key,
                                            tool_call=call, timeout_seconds=timeout,
                                            workflow=workflow))
        return await follow(rt, started.id, printer)

    result = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    _finish(printer, result)


def _finish(printer: EventPrinter, result: Run) -> None:
    printer.summary(result)
    if not printer.as_json and str(result.status) == "waiting_approval":
        console().print("waiting for a decision: stable-harness inspect approvals; "
                        "stable-harness approve APPROVAL_ID --decision approve|reject|edit",
                        markup=False)
    raise typer.Exit(exit_code(result))


def cancel(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="Run id.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Recorded with the run.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Cancel a run, wherever it is running (another process on the same store included)."""

    async def body(store: RunStore) -> dict[str, Any]:
        from stable_harness.runtime.cancelling import cancel_through_store

        return await cancel_through_store(store, run_id, reason or "cancelled by request",
                                          wait=10.0)

    result = with_store(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json(result)
    else:
        console().print(f"run {result['runId']} {result['status']}"
                        + (f" at {result['cancelledAt']}" if result["cancelledAt"] else ""),
                        markup=False)
    if result["status"] != "cancelled":
        raise typer.Exit(1)


def approve(
    ctx: typer.Context,
    approval_id: Annotated[str, typer.Argument(help="Approval id (`inspect approvals`).")],
    decision: Annotated[str, typer.Option("--decision", "-d",
                                          help="approve, reject or edit.")] = "approve",
    message: Annotated[str | None, typer.Option("--message", "-m",
                                                help="Reason, shown to the agent.")] = None,
    args: Annotated[str | None, typer.Option(
        "--args", help="New arguments (JSON object) for `edit`.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who decides (recorded).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Decide a pending approval; the run resumes here and its events are shown."""
    arguments = parse_json_option(args, "--args", as_json=as_json)
    printer = EventPrinter(as_json, None if as_json else console())

    async def body(rt: Runtime) -> Run:
        found = await rt.store.get_approval(approval_id)
        after = (await rt.get_run(found.run_id)).last_seq if found else 0
        approval = await rt.resolve_approval(approval_id, decision, message=message,
                                             arguments=arguments, by=by)
        return await follow(rt, approval.run_id, printer, after=after)

    result = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    _finish(printer, result)


def recover(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Take over runs a crashed process left in flight, and drive them until they settle."""

    async def body(rt: Runtime) -> list[dict[str, Any]]:
        ids = await rt.recover()
        runs = [await rt.wait(run_id, until="settled") for run_id in ids]
        return [{"runId": r.id, "status": str(r.status), "error": r.error} for r in runs]

    results = with_runtime(ctx.obj.workspace, body, as_json=as_json)
    if as_json:
        print_json({"recovered": results})
        return
    out = console()
    if not results:
        out.print("nothing to recover")
    for row in results:
        out.print(f"run {row['runId']} {row['status']}", markup=False)
