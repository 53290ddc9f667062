"""The root ``stable-harness`` application: global options, core commands, plugin commands."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated

import typer

from stable_harness.cli import (
    exchange_cmd,
    init_cmd,
    inspect_cmd,
    memory_cmd,
    plugins_cmd,
    runs_cmd,
    schema_cmd,
    start_cmd,
    tools_cmd,
    validate_cmd,
)

ENV_DEBUG = "STABLE_HARNESS_DEBUG"


@dataclass
class CliState:
    """Global options, available to commands as ``ctx.obj``."""

    given: Path | None

    @property
    def workspace(self) -> Path:
        """The workspace folder: ``-w`` (absolute), else found from the current folder up;
        exits with a clear message when there is none."""
        found = self.workspace_or_none
        if found is None:
            from stable_harness.cli.output import fail
            from stable_harness.cli.workspace_arg import no_workspace_message

            fail(no_workspace_message(Path.cwd()))
        return found

    @cached_property  # found once per command: the walk up reads files
    def workspace_or_none(self) -> Path | None:
        """The workspace folder, or None when no ``-w`` was given and none is found."""
        from stable_harness.cli.workspace_arg import find_workspace

        if self.given is not None:
            return self.given.resolve()
        return find_workspace(Path.cwd())


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"stable-harness {version('stable-harness-core')}")
        raise typer.Exit


def _root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None, typer.Option(
            "-w", "--workspace", show_default=False,
            help="Workspace folder (before or after the command). Default: the nearest "
                 "folder, from the current one up, holding a Runtime document.")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help="Print the version and exit.")
    ] = False,
) -> None:
    """Stable runtime and operator control plane for agent applications."""
    ctx.obj = CliState(given=workspace)


def _add_plugin_commands(app: typer.Typer) -> None:
    """Let every installed, non-blocked plugin add commands (``stable_harness_add_commands``)."""
    from stable_harness.cli.output import warn
    from stable_harness.plugins import LoadPolicy, PluginHost

    host = PluginHost.load(LoadPolicy.from_settings(load_all=True))
    host.pm.hook.stable_harness_add_commands(app=app)
    if host.report.warnings and "--json" not in sys.argv:
        warn(host.report.warnings)


def build_app() -> typer.Typer:
    """A fresh application with core and plugin commands."""
    from stable_harness.cli.workspace_arg import WorkspaceGroup

    app = typer.Typer(
        name="stable-harness", cls=WorkspaceGroup, no_args_is_help=True, add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False, context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    app.command("init")(init_cmd.init)
    app.command("validate")(validate_cmd.validate)
    app.command("schema")(schema_cmd.schema)
    app.command("run")(runs_cmd.run)
    app.command("cancel")(runs_cmd.cancel)
    app.command("approve")(runs_cmd.approve)
    app.command("recover")(runs_cmd.recover)
    app.command("start")(start_cmd.start)
    app.command("export")(exchange_cmd.export)
    app.command("import")(exchange_cmd.import_)
    inspect = typer.Typer(help="Inspect runs, sessions, approvals and agents.",
                          no_args_is_help=True,
                          rich_markup_mode=None)
    inspect.command("runs")(inspect_cmd.runs)
    inspect.command("sessions")(inspect_cmd.sessions)
    inspect.command("approvals")(inspect_cmd.approvals)
    inspect.command("run")(inspect_cmd.run)
    inspect.command("agent")(inspect_cmd.agent)
    app.add_typer(inspect, name="inspect")
    tool = typer.Typer(help="The workspace's tools, and one call through the tool gateway.",
                       no_args_is_help=True, rich_markup_mode=None)
    tool.command("list")(tools_cmd.list_tools)
    tool.command("call")(tools_cmd.call_tool)
    app.add_typer(tool, name="tool")
    memory = typer.Typer(help="The workspace's memory stores: list, search, get, put, "
                              "delete, export, import, expire, compact, backup.",
                         no_args_is_help=True,
                         rich_markup_mode=None)
    for name, command in (("list", memory_cmd.list_namespaces), ("search", memory_cmd.search),
                          ("get", memory_cmd.get), ("put", memory_cmd.put),
                          ("delete", memory_cmd.delete), ("export", memory_cmd.export),
                          ("import", memory_cmd.import_), ("expire", memory_cmd.expire),
                          ("compact", memory_cmd.compact), ("backup", memory_cmd.backup),
                          ("consolidate", memory_cmd.consolidate)):
        memory.command(name)(command)
    app.add_typer(memory, name="memory")
    plugins = typer.Typer(help="Inspect installed plugins.", no_args_is_help=True,
                          rich_markup_mode=None)
    plugins.command("list")(plugins_cmd.list_plugins)
    app.add_typer(plugins, name="plugins")
    _add_plugin_commands(app)
    return app


def main() -> None:
    """Console-script entry point: no traceback reaches the user unless debugging is on."""
    from stable_harness.errors import StableHarnessError

    try:
        build_app()(prog_name="stable-harness")
    except StableHarnessError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        if os.environ.get(ENV_DEBUG):
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc} "
                   f"(set {ENV_DEBUG}=1 to see the traceback)", err=True)
        sys.exit(2)
