"""The tool-source contract, run against ``mcp-server-time`` (from PyPI)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from stable_harness.testing.contracts.tool_source import ToolSourceContract


class TestMcpSourceContract(ToolSourceContract):
    source = "mcp"
    tool = "get_current_time"
    arguments = {"timezone": "Asia/Tokyo"}
    bad_arguments: dict[str, Any] = {}  # the required timezone is missing: never guessed

    def server_spec(self) -> dict[str, Any]:
        # a [test] dependency of this plugin, installed next to the interpreter
        return {"transport": "stdio",
                "command": str(Path(sys.executable).with_name("mcp-server-time")),
                "args": ["--local-timezone", "UTC"]}

    def check(self, result: Any) -> None:
        assert result["timezone"] == "Asia/Tokyo"
        assert "datetime" in result
