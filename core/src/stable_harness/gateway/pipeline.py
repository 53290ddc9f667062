"""The gateway pipeline: resolve → parse → validate → repair → validate again.

One principle runs through every stage: **a call is repaired only where exactly one reading
of it is possible and that reading loses nothing**; anything else is refused with diagnostics
the model can act on, because a refused call lets the model correct itself while a wrong call
has side effects nobody asked for.

A clean call (exact name, a JSON object that validates, nothing undeclared at any depth, no
blank required value) passes unchanged after one validation with the tool's compiled schema.
Anything else goes through :mod:`~stable_harness.gateway.repair` and must validate afterwards.
A repaired *name* must be confirmed by the arguments: they have to fit the candidate with
nothing dropped. Semantic validators and governance policies come after this stage, and
execution (time limit, tool-call ledger) after them, in :mod:`stable_harness.runtime.tools`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from stable_harness.gateway.names import resolve_name
from stable_harness.gateway.notes import GatewayNote, ToolRefusal
from stable_harness.gateway.parsing import parse_arguments
from stable_harness.gateway.repair import MAX_DEPTH, Repairer, UnknownArguments, needs_repair
from stable_harness.gateway.schema import CompiledSchema


@dataclass(frozen=True)
class VisibleTool:
    """A tool the agent may call: its name and the JSON Schema of its arguments."""

    name: str
    parameters: dict[str, Any]

    @cached_property
    def compiled(self) -> CompiledSchema:
        """The schema, checked and compiled on first use, then kept with the tool."""
        return CompiledSchema(self.parameters or {"type": "object"})


@dataclass(frozen=True)
class CheckedCall:
    """A call that may run: the resolved tool, the arguments to run with, what was repaired."""

    tool: str
    arguments: dict[str, Any]
    notes: list[GatewayNote] = field(default_factory=list)


class ToolGateway:
    """Checks tool calls against the tools visible to an agent (see the module docstring).

    :param unknown_arguments: what happens to an argument the tool does not declare (after
        misspelled keys are renamed): ``auto`` (default) drops it only where every argument
        declared at that level is set, so it cannot stand for one the call lacks, and refuses
        the call otherwise; ``drop`` always drops it; ``refuse`` never does.
    :param blank_required_is_missing: an empty or whitespace-only string for a required
        argument is treated as missing (refused).
    """

    def __init__(self, *, unknown_arguments: UnknownArguments = "auto",
                 blank_required_is_missing: bool = True) -> None:
        self.unknown_arguments: UnknownArguments = unknown_arguments
        self.blank_required_is_missing = blank_required_is_missing

    def check(self, name: Any, raw_arguments: Any, visible: Mapping[str, VisibleTool]
              ) -> CheckedCall:
        """The call to run, or :class:`ToolRefusal`."""
        resolved = resolve_name(name, visible.keys())
        tool, notes = resolved.tool, list(resolved.notes)
        arguments, parsed = parse_arguments(tool, raw_arguments)
        notes += parsed
        try:
            return self._arguments(name, tool, arguments, notes, visible[tool].compiled,
                                   resolved.repaired)
        except RecursionError:  # the validator recurses per level of nesting
            raise ToolRefusal(tool, "validate", "too_deep",
                              f"the arguments are nested deeper than {MAX_DEPTH} levels",
                              notes) from None

    def _arguments(self, name: Any, tool: str, arguments: dict[str, Any],
                   notes: list[GatewayNote], compiled: CompiledSchema, name_repaired: bool
                   ) -> CheckedCall:
        blank = self.blank_required_is_missing
        if not needs_repair(arguments, compiled, blank_is_missing=blank) \
                and compiled.is_valid(arguments):
            return CheckedCall(tool, arguments, notes)
        # A repaired name is only a candidate: nothing may be dropped to make the call fit.
        repairer = Repairer(compiled, blank_is_missing=blank,
                            unknown="refuse" if name_repaired else self.unknown_arguments)
        repaired = repairer.repair(arguments)
        notes += repairer.notes
        found = repairer.refusals + compiled.problems(repaired)
        if not found:
            return CheckedCall(tool, repaired, notes)
        described = "; ".join(f"{p.path}: {p.reason}" for p in found)
        if name_repaired:
            raise ToolRefusal(
                str(name), "resolve", "unconfirmed_tool_name",
                f"there is no tool '{name}'. The closest is '{tool}', but the arguments do "
                f"not fit it ({described}). Nothing was run; call the tool you mean by its "
                "exact name, with the arguments it declares.", notes, found)
        raise ToolRefusal(
            tool, "repair" if repairer.refusals else "validate", found[0].code,
            f"the arguments do not match the tool's schema: {described}. Nothing was run; "
            "call the tool again with corrected arguments (a missing value must come from "
            "the conversation, never be guessed).", notes, found)
