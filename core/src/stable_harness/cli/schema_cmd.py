"""``stable-harness schema``: JSON Schema of the workspace for the installed plugins."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stable_harness.cli.output import print_json


def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to a file instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of the workspace.

    Plugin config sections are typed for the plugins installed here (for editor completion).
    """
    import json

    from stable_harness.plugins import LoadPolicy, PluginHost
    from stable_harness.workspace.schema import workspace_schema

    document = workspace_schema(PluginHost.load(LoadPolicy.from_settings(load_all=True)))
    if output is None:
        print_json(document)
    else:
        output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
