"""How the CLI shows events: one line per event for people, one JSON document per event for
scripts (``--json``)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from stable_harness.runs import Event, Run

# the envelope already says these (the contract's timestamps equal its `timestamp`)
QUIET_KEYS = ("runId", "sessionId", "startedAt", "completedAt", "failedAt", "blockedAt")


def short(value: Any, limit: int = 80) -> str:
    """Compact JSON of ``value``, cut at ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(event: Event) -> str:
    """One human line for ``event`` (without its type)."""
    p = event.payload
    kind = event.type.removeprefix("harness.")
    if kind == "tool.repaired":
        repairs = ", ".join(f"{r.get('code')} at {r.get('path')}" for r in p.get("repairs", []))
        return f"{p.get('tool')} {short(p.get('arguments'))} ({repairs})"
    if kind == "step.blocked" and isinstance(p.get("diagnostics"), dict):
        d = p["diagnostics"]
        return f"{d.get('tool')} refused at {d.get('stage')}: {short(d.get('message'), 120)}"
    if kind == "plan.updated":
        items = p.get("items") or []
        return "; ".join(f"[{i.get('status', '')}] {i.get('content', '')}" for i in items
                         if isinstance(i, dict))
    if kind in ("delegation.started", "delegation.completed"):
        return f"{p.get('agent')}: {short(p.get('task') or p.get('output') or p.get('error'))}"
    if kind.startswith("tool."):
        detail = p.get("arguments", p.get("result", p.get("error")))
        return f"{p.get('tool')} {short(detail)}"
    if kind == "approval.requested":
        return f"{p.get('approvalId')} {p.get('reason')}: {short(p.get('action'))}"
    if kind == "approval.resolved":
        return f"{p.get('approvalId')} {p.get('decision')} {p.get('message') or ''}".rstrip()
    if kind == "run.failed":
        error = p.get("error") or {}
        return f"{error.get('code')}: {error.get('message')}"
    if kind == "run.completed":
        return short(p.get("output"))
    if kind in ("step.started", "step.completed"):  # the step's name, then what else it says
        extra = {k: v for k, v in p.items()
                 if k not in (*QUIET_KEYS, "stepId", "stepKey", "name", "mode")}
        return f"{p.get('name', p.get('stepKey'))}" + (f" {short(extra)}" if extra else "")
    rest = {k: v for k, v in p.items() if k not in QUIET_KEYS}
    return short(rest) if rest else ""


class EventPrinter:
    """Prints a run's events as they arrive."""

    def __init__(self, as_json: bool, console: Console | None = None) -> None:
        self.as_json = as_json
        self.console = console
        self.count = 0

    def show(self, event: Event) -> None:
        """Print one event."""
        self.count += 1
        if self.as_json:
            sys.stdout.write(json.dumps(event.to_dict(), default=str) + "\n")
            sys.stdout.flush()
            return
        assert self.console is not None
        from rich.text import Text

        line = Text(f"{event.seq:>4} ", style="dim")
        style = "red" if event.type.endswith(("failed", "blocked")) else (
            "green" if event.type.endswith("completed") else "cyan")
        line.append(event.type.removeprefix("harness."), style=style)
        detail = describe(event)
        if detail:
            line.append(" " + detail)
        self.console.print(line)

    def summary(self, run: Run) -> None:
        """The closing line for people: status, output or error, and what to do next."""
        if self.as_json:
            return
        assert self.console is not None
        from rich.text import Text

        status = str(run.status)
        text = Text(f"run {run.id} {status}", style="bold green" if status == "completed"
                    else "bold yellow" if status == "waiting_approval" else "bold red")
        # the run's own count: after `approve`, only the new events were shown
        text.append(f"  (session {run.session_id}, {run.last_seq} events)", style="dim")
        self.console.print(text)
        if status == "completed":
            self.console.print(run.output if isinstance(run.output, str)
                               else json.dumps(run.output, indent=2, default=str), markup=False)
        elif run.error:
            self.console.print(f"{run.error.get('code')}: {run.error.get('message')}",
                               markup=False)


EXIT_CODES = {"completed": 0, "waiting_approval": 3, "cancelled": 130}


def exit_code(run: Run) -> int:
    """0 completed, 3 waiting for approval, 130 cancelled, 1 failed or blocked."""
    return EXIT_CODES.get(str(run.status), 1)
