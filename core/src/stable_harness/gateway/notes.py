"""What the gateway reports: one note per repair, and a refusal the model can read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GatewayNote:
    """One decision of one stage: ``code`` names the rule, ``path`` the JSON path."""

    stage: str
    code: str
    path: str = "$"
    before: Any = None
    after: Any = None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The event form."""
        return {"stage": self.stage, "code": self.code, "path": self.path,
                "before": self.before, "after": self.after, "reason": self.reason}


@dataclass
class ToolRefusal(Exception):
    """The call cannot run as given. ``message`` is written for the model to correct itself."""

    tool: str
    stage: str
    code: str
    message: str
    notes: list[GatewayNote] = field(default_factory=list)
    problems: list[GatewayNote] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def for_model(self) -> str:
        """A typed error the agent can act on (JSON, stable keys)."""
        return json.dumps({
            "error": "tool_call_refused", "tool": self.tool, "stage": self.stage,
            "code": self.code, "message": self.message,
            "problems": [{"path": p.path, "code": p.code, "reason": p.reason}
                         for p in self.problems]}, ensure_ascii=False, default=str)

    def to_dict(self) -> dict[str, Any]:
        """The event form (``harness.step.blocked`` diagnostics)."""
        return {"tool": self.tool, "stage": self.stage, "code": self.code,
                "message": self.message,
                "problems": [p.to_dict() for p in self.problems],
                "repairs": [n.to_dict() for n in self.notes]}
