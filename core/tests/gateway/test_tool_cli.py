"""``stable-harness tool list`` and ``tool call``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from stable_harness.cli.app import build_app
from typer.testing import CliRunner

runner = CliRunner()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_tool_list_json(scaffold: Path) -> None:
    code, out, _ = cli("-w", str(scaffold), "tool", "list", "--json")
    assert code == 0
    [tool] = json.loads(out)
    assert tool["name"] == "echo_tool"
    assert tool["parameters"]["required"] == ["value"]
    assert tool["idempotent"] is True


def test_tool_call_shows_the_repair_trail(scaffold: Path) -> None:
    code, out, _ = cli("-w", str(scaffold), "tool", "call", "Echo_Tool",
                       "--args", "{'value': 'hi',}")
    assert code == 0, out
    assert "tool.repaired echo_tool" in out
    assert "name_case_or_separator at $.name" in out
    assert "json5 at $" in out
    assert "run.completed hi" in out


def test_a_number_for_a_string_argument_runs_as_text(scaffold: Path) -> None:
    # was refused before the gateway repaired numbers sent for strings
    code, out, _ = cli("-w", str(scaffold), "tool", "call", "echo_tool", "--args",
                       '{"value": 5}')
    assert code == 0, out
    assert "number_to_string at $.value" in out
    assert "tool.completed echo_tool 5" in out


def test_a_refused_tool_call_stores_nothing(scaffold: Path) -> None:
    code, out, _ = cli("-w", str(scaffold), "tool", "call", "echo_tool", "--args",
                       '{"value": "  "}', "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["errorCode"] == "tool_call_refused"
    assert doc["diagnostics"]["problems"][0]["path"] == "$.value"
    db = scaffold / ".stable-harness" / "runtime.db"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0


def test_deeply_nested_arguments_are_a_refusal_not_an_internal_error(scaffold: Path) -> None:
    # was: RecursionError, "internal error" and exit 2
    deep = '{"value": ' + "[" * 100_000 + "]" * 100_000 + "}"
    code, out, _ = cli("-w", str(scaffold), "tool", "call", "echo_tool", "--args", deep,
                       "--json")
    assert code == 1
    assert json.loads(out)["diagnostics"]["code"] == "too_deep"
