"""The gateway pipeline: resolve → parse → validate → repair → validate again.

A clean call (exact name, a JSON object that validates) passes unchanged after one cached
validation. Anything else goes through the repair rules of :mod:`~stable_harness.gateway.repair`
and must validate afterwards, or it is refused with every remaining problem, in words a model
can act on. Semantic validators and governance policies come after this stage, and execution
(time limit, tool-call ledger) after them, in :mod:`stable_harness.runtime.tools`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from stable_harness.gateway.names import resolve_name
from stable_harness.gateway.notes import GatewayNote, ToolRefusal
from stable_harness.gateway.parsing import parse_arguments
from stable_harness.gateway.repair import Repairer
from stable_harness.gateway.schema import problems, validator_for


@dataclass(frozen=True)
class VisibleTool:
    """A tool the agent may call: its name and the JSON Schema of its arguments."""

    name: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class CheckedCall:
    """A call that may run: the resolved tool, the arguments to run with, what was repaired."""

    tool: str
    arguments: dict[str, Any]
    notes: list[GatewayNote] = field(default_factory=list)


class ToolGateway:
    """Checks tool calls against the tools visible to an agent (see the module docstring).

    :param unknown_arguments: ``drop`` (default) removes arguments a tool does not declare,
        with a note; ``refuse`` refuses the call instead.
    """

    def __init__(self, *, unknown_arguments: Literal["drop", "refuse"] = "drop") -> None:
        self.unknown_arguments = unknown_arguments

    def check(self, name: Any, raw_arguments: Any, visible: Mapping[str, VisibleTool]
              ) -> CheckedCall:
        """The call to run, or :class:`ToolRefusal`."""
        tool, notes = resolve_name(name, visible.keys())
        arguments, parsed = parse_arguments(tool, raw_arguments)
        notes += parsed
        schema = visible[tool].parameters or {"type": "object"}
        if validator_for(schema).is_valid(arguments) and not _undeclared(arguments, schema):
            return CheckedCall(tool, arguments, notes)
        repairer = Repairer(schema, drop_unknown=self.unknown_arguments == "drop")
        repaired = repairer.repair(arguments, schema)
        notes += repairer.notes
        if repairer.unknown and self.unknown_arguments == "refuse":
            raise ToolRefusal(tool, "repair", "unknown_argument",
                              "unknown argument(s) " + ", ".join(repairer.unknown)
                              + "; send only the arguments the tool declares", notes,
                              [GatewayNote("repair", "unknown_argument", p) for p in
                               repairer.unknown])
        found = problems(schema, repaired)
        if found:
            raise ToolRefusal(
                tool, "validate", found[0].code,
                "the arguments do not match the tool's schema: "
                + "; ".join(f"{p.path}: {p.reason}" for p in found)
                + ". Nothing was run; call the tool again with corrected arguments "
                  "(a missing value must come from the conversation, never be guessed).",
                notes, found)
        return CheckedCall(tool, repaired, notes)


def _undeclared(arguments: dict[str, Any], schema: dict[str, Any]) -> bool:
    props = schema.get("properties")
    if not props or schema.get("additionalProperties") not in (None, False):
        return False
    return any(key not in props for key in arguments)
