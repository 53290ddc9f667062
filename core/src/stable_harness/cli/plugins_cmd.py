"""``stable-harness plugins list``: every installed plugin, its slots and status."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from stable_harness.cli.output import console, print_json, warn


def list_plugins(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List installed plugins and their status.

    Shows name, what each provides, distribution, version and status.
    """
    from stable_harness.plugins import LoadPolicy, PluginHost
    from stable_harness.workspace.selection import listing_policy

    root = ctx.obj.workspace_or_none  # outside any workspace: every installed plugin
    host = PluginHost.load(listing_policy(root) if root else LoadPolicy.from_settings(
        load_all=True))
    rows = host.statuses()
    health = sink_health(root) if root else {}
    if as_json:
        print_json({"plugins": rows, "sinkHealth": health, "warnings": host.report.warnings})
        return
    warn(host.report.warnings)
    console().print(_table(rows))
    for sink, state in health.items():
        console(stderr=True).print(
            f"event sink {sink}: {state['failures']} failed deliveries, last: "
            f"{state['lastError']}", markup=False)


def sink_health(root: Any) -> dict[str, dict[str, Any]]:
    """Failure counts of event sinks recorded in the workspace's run store (empty when the
    workspace is invalid or its store was never created)."""
    import asyncio
    from pathlib import Path

    from stable_harness.errors import StableHarnessError

    try:
        from stable_harness.runtime.runtime import make_store
        from stable_harness.workspace import load_workspace

        store = make_store(load_workspace(root))
    except StableHarnessError:
        return {}
    path = getattr(store, "path", None)
    if isinstance(path, Path) and not path.exists():
        return {}

    async def read() -> dict[str, dict[str, Any]]:
        await store.open()
        try:
            return await store.sink_health()
        finally:
            await store.close()

    try:
        return asyncio.run(read())
    except StableHarnessError:
        return {}


def _table(rows: list[dict[str, Any]]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table("name", "provides", "distribution", "version", "status")
    colours = {"loaded": "green", "disabled": "yellow", "failed": "red", "available": "cyan"}
    for row in rows:
        status = f"[{colours[row['status']]}]{row['status']}[/]"
        if row["reason"]:
            status += f" ({escape(row['reason'])})"
        table.add_row(row["name"], "\n".join(row["slots"]) or "-", row["distribution"],
                      row["version"], status)
    return table
