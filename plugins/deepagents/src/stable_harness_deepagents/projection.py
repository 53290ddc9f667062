"""DeepAgents' own tools, projected as runtime events an operator can follow live."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import ToolMessage
from stable_harness.backends.contract import (
    BackendEvent,
    DelegationCompleted,
    DelegationStarted,
    FileChanged,
    PlanUpdated,
)
from stable_harness_langgraph.tools import as_text

FILE_TOOLS = {"write_file": "write", "edit_file": "edit"}


def project(call: dict[str, Any], result: Any) -> Sequence[BackendEvent]:
    """Events for one upstream tool call, before (``result`` None) and after it ran."""
    name, args, call_id = call["name"], call.get("args") or {}, call["id"]
    if name == "task":
        agent = str(args.get("subagent_type", ""))
        if result is None:
            return [DelegationStarted(call_id, agent, str(args.get("description", "")))]
        text, failed = _outcome(result)
        return [DelegationCompleted(call_id, agent, None if failed else text,
                                    text if failed else None)]
    if result is None:
        return []
    if name == "write_todos" and not _outcome(result)[1]:
        return [PlanUpdated([dict(item) for item in args.get("todos", [])])]
    if name in FILE_TOOLS and not _outcome(result)[1]:
        return [FileChanged(str(args.get("file_path", "")), FILE_TOOLS[name], call_id)]
    return []


def _outcome(result: Any) -> tuple[str, bool]:
    """The text a tool returned and whether it is an error."""
    message = result if isinstance(result, ToolMessage) else next(
        (m for m in (getattr(result, "update", None) or {}).get("messages", [])
         if isinstance(m, ToolMessage)), None)
    if message is None:
        return "", False
    return as_text(message.content), message.status == "error"
