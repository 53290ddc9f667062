"""``stable-harness init DIR``: scaffold a working example workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stable_harness.cli.output import console, fail, print_json

SCAFFOLD_PACKAGE = "stable_harness.scaffold"
STATE_IGNORE = ".stable-harness/\n__pycache__/\n"


def scaffold_files() -> dict[str, str]:
    """Relative path -> text of every file ``init`` writes."""
    from importlib.resources import files

    root = files(SCAFFOLD_PACKAGE)
    out = {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in root.iterdir()
        if entry.is_file() and entry.name.endswith((".yaml", ".py", ".md"))
        and entry.name != "__init__.py"
    }
    out[".gitignore"] = STATE_IGNORE
    return out


def write_scaffold(target: Path, *, force: bool) -> list[str]:
    """Write the scaffold into ``target``; refuses a non-empty folder unless ``force``."""
    if target.exists() and not target.is_dir():
        fail(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        fail(f"{target} is not empty; use --force to write the example into it "
             "(files with the same names are overwritten)")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(scaffold_files().items()):
        (target / name).write_text(text, encoding="utf-8")
        written.append(name)
    return written


def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    force: Annotated[bool, typer.Option("--force", help="Write into a non-empty folder.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Scaffold an example workspace.

    Writes a Runtime, scripted offline models, an agent `orchestra` on DeepAgents, an agent
    `assistant` on LangGraph and a tool `echo_tool` into DIRECTORY (the two backends come from
    the stable-harness-deepagents and stable-harness-langgraph packages).
    """
    written = write_scaffold(directory, force=force)
    if as_json:
        print_json({"ok": True, "workspace": str(directory), "files": written})
        return
    out = console()
    out.print(f"Created workspace in [bold]{directory}[/bold]: {', '.join(written)}")
    out.print(f"Next: [bold]stable-harness -w {directory} validate[/bold]")
