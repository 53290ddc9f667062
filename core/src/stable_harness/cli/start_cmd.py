"""``stable-harness start``: serve every enabled protocol surface over one runtime."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stable_harness.cli.inspect_cmd import JsonOpt
from stable_harness.cli.output import fail

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime
    from stable_harness.surfaces import SurfaceBinding


def start(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(
        "--host", help="Bind address for every surface (default: loopback).")] = None,
    port: Annotated[list[str] | None, typer.Option(
        "--port", help="PORT (one surface) or NAME=PORT; repeatable; 0 picks a free port.")
    ] = None,
    api_key: Annotated[str | None, typer.Option(
        "--api-key", envvar="STABLE_HARNESS_API_KEY", show_envvar=True,
        help="Bearer token every surface requires (overrides the YAML).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Serve the runtime over every protocol the Runtime YAML enables (plus installed
    surfaces that are on by default) until SIGINT or SIGTERM.

    Prints one line per surface once it accepts connections (a JSON object per line with
    --json). On shutdown, runs in flight are left for recovery by the next start."""
    from stable_harness.errors import StableHarnessError, WorkspaceError

    try:
        asyncio.run(_serve(ctx.obj.workspace, host, port or [], api_key, as_json))
    except WorkspaceError as exc:
        fail(f"workspace {ctx.obj.workspace} is invalid; run `stable-harness validate` for "
             f"details\n{exc}", as_json=as_json)
    except StableHarnessError as exc:
        fail(str(exc), as_json=as_json)
    except OSError as exc:  # e.g. the address is in use
        fail(f"cannot serve: {exc}", as_json=as_json)


async def _serve(workspace: Path, host: str | None, ports: list[str], api_key: str | None,
                 as_json: bool) -> None:
    from stable_harness.runtime import Runtime
    from stable_harness.surfaces import plan_bindings, serve_surfaces
    from stable_harness.surfaces.bindings import Overrides, load_for_serving
    from stable_harness.workspace.env_files import apply_env_files

    for source in apply_env_files(workspace):
        _say({"event": "env", "source": source.source, "variables": list(source.applied)},
             f"env: {len(source.applied)} variable(s) from {source.source}"
             + (f" ({', '.join(source.applied)})" if source.applied else
                " (all already set in the shell)"), as_json)
    ws = load_for_serving(workspace)
    bindings = plan_bindings(ws, Overrides(host, ports, api_key))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runtime = await Runtime.open(ws)
    jobs = asyncio.create_task(_maintenance(runtime, as_json), name="maintenance")
    try:
        await serve_surfaces(runtime, bindings, ready=lambda b, url: _ready(b, url, as_json),
                             stop=stop)
    finally:
        jobs.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await jobs
        in_flight = len(runtime.active_run_ids())
        await runtime.close()
        _say({"event": "stopped", "inFlightRuns": in_flight},
             f"stopped; {in_flight} run(s) in flight left for recovery" if in_flight
             else "stopped", as_json)


async def _maintenance(runtime: Runtime, as_json: bool) -> None:
    """The memory jobs ``Runtime.spec.maintenance`` schedules, one line per job run."""
    from stable_harness.runtime.maintenance import MaintenanceReport, schedule

    spec = runtime.workspace.runtime.maintenance.memory
    every = {job: seconds for job, seconds in (("expire", spec.expire_every_seconds),
                                                ("compact", spec.compact_every_seconds))
             if seconds is not None}

    def report(done: MaintenanceReport) -> None:
        _say({"event": "maintenance", **done.to_dict()},
             f"maintenance: memory {done.memory} {done.job}: {done.removed} removed", as_json)

    await schedule(runtime.memories, every, report)


def _ready(binding: SurfaceBinding, url: str, as_json: bool) -> None:
    auth = "bearer token required" if binding.bearer_token else "no auth (loopback only)"
    _say({"event": "ready", "surface": binding.name, "url": url,
          "auth": binding.bearer_token is not None},
         f"{binding.name}: {url} ({auth})", as_json)


def _say(data: dict[str, object], text: str, as_json: bool) -> None:
    sys.stdout.write((json.dumps(data) if as_json else text) + "\n")
    sys.stdout.flush()
