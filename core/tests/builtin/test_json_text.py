"""Stored JSON text: orjson with the standard library behind it, so nothing that encoded
before fails now."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

from stable_harness.store import json_text


@dataclasses.dataclass
class Point:
    x: int


def test_values_orjson_refuses_still_encode() -> None:
    huge = 2**80  # beyond 64 bits: orjson refuses, the standard library does not
    assert json_text.loads(json_text.dumps({"n": huge})) == {"n": huge}


def test_non_json_values_are_stored_as_text_as_before() -> None:
    stamp = datetime(2026, 12, 1, tzinfo=UTC)
    value = {"at": stamp, "p": Point(1), 3: "int key", "t": (1, 2)}
    assert json_text.loads(json_text.dumps(value)) == json.loads(
        json.dumps(value, default=str))


def test_nan_is_stored_as_null_and_old_nan_text_still_reads() -> None:
    assert json_text.loads(json_text.dumps({"x": float("nan")})) == {"x": None}
    assert json_text.loads('{"x": NaN}')["x"] != 0  # written by the standard library before
