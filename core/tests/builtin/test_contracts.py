"""The built-in plugins run their slots' contract suites."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from stable_harness.testing.contracts import (
    EventSinkContract,
    MemoryStoreContract,
    ModelProviderContract,
    RunStoreContract,
    ToolRegistryContract,
)


class TestSqliteRunStore(RunStoreContract):
    store = "sqlite"
    config = {"path": "runs.db", "synchronous": "NORMAL"}


class TestJsonlSink(EventSinkContract):
    sink = "jsonl"
    config = {"path": "out/events.jsonl"}
    bad_config = {"fsync": "sometimes"}

    def projected(self, base: Path, captured: pytest.CaptureFixture[str]) -> list[str]:
        lines = (base / "out/events.jsonl").read_text().splitlines()
        return [json.loads(line)["type"] for line in lines]


class TestConsoleSink(EventSinkContract):
    sink = "console"
    config = {"stream": "stdout", "colors": False}
    bad_config = {"stream": "printer"}

    def projected(self, base: Path, captured: pytest.CaptureFixture[str]) -> list[str]:
        return re.findall(r"^.*?(harness\.[a-z_.]+)", captured.readouterr().out, re.M)


class TestPythonToolRegistry(ToolRegistryContract):
    registry = "python"
    arguments = {"a": 2, "b": 3}
    result = 5
    bad_arguments = {"a": "two"}
    bad_config = {"module": "x"}

    def tool_spec(self) -> dict:
        return {"entrypoint": "registry_tools:add"}

    def extra_files(self) -> dict[str, str]:
        return {"registry_tools.py": '''
            def add(a: int, b: int) -> int:
                """Add two integers."""
                return a + b
            '''}


class TestSqliteMemoryStore(MemoryStoreContract):
    store = "sqlite"
    config = {"path": "memory.db"}


class TestScriptedProvider(ModelProviderContract):
    """One scripted turn with text and a tool call serves every conversation test."""

    provider = "scripted"
    config = {"turns": [{"text": "pong", "toolCalls": [
        {"name": "contract_echo", "args": {"value": "ping"}}]}]}
    bad_config = {"turns": [{}]}
