"""Printing for people (rich) and for scripts (``--json``), and the error exit path."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console


def console(stderr: bool = False) -> Console:
    """A rich console (imported lazily: plain ``--help`` never needs it)."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # piped output has no width; don't squeeze ids and timestamps into 80 columns
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=width)


def print_json(data: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def warn(messages: list[str]) -> None:
    """Warnings go to stderr so ``--json`` output stays parseable."""
    err = console(stderr=True)
    for message in messages:
        err.print(f"[yellow]warning:[/yellow] {message}", markup=True)


def fail(message: str, *, as_json: bool = False, code: int = 1, **extra: Any) -> NoReturn:
    """Report an error without a traceback and exit with ``code``."""
    if as_json:
        print_json({"ok": False, "error": message, **extra})
    else:
        from rich.text import Text

        text = Text("error: ", style="bold red")
        text.append(message)  # plain text: messages may contain [brackets] from YAML paths
        console(stderr=True).print(text)
    raise typer.Exit(code)


def counted(n: int, noun: str) -> str:
    """``1 run``, ``2 runs``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
