from __future__ import annotations

import pytest
from stable_harness.workspace.interpolation import (
    InterpolationError,
    interpolate,
    interpolate_tree,
)

ENV = {"HOST": "example.org", "EMPTY": ""}


@pytest.mark.parametrize(("text", "expected"), [
    ("${env:HOST}", "example.org"),
    ("https://${env:HOST}/v1", "https://example.org/v1"),
    ("${env:MISSING:-fallback}", "fallback"),
    ("${env:MISSING:-}", ""),
    ("${env:EMPTY:-x}", ""),  # set-but-empty is set
    ("${env:MISSING:-a:-b}", "a:-b"),
    ("$${env:HOST}", "${env:HOST}"),
    ("price: $5", "price: $5"),
    ("$$${env:HOST}", "$${env:HOST}"),  # "$" then an escaped "${"
    ("no dollars", "no dollars"),
])
def test_interpolate(text: str, expected: str) -> None:
    assert interpolate(text, ENV) == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("${env:MISSING}", "MISSING is not set"),
    ("${HOST}", "unknown reference"),
    ("${env:1BAD}", "unknown reference"),
    ("${env:HOST", "unterminated"),
])
def test_interpolation_errors(text: str, fragment: str) -> None:
    with pytest.raises(InterpolationError, match=fragment):
        interpolate(text, ENV)


def test_tree_collects_every_error_with_its_path() -> None:
    data = {"a": ["${env:X}", {"b": "${env:HOST}"}], "${env:KEY}": "${env:Y}", "n": 3}
    out, errors = interpolate_tree(data, ENV)
    assert out["a"][1]["b"] == "example.org"
    assert "${env:KEY}" in out  # keys are not interpolated
    assert [path for path, _ in errors] == [("a", 0), ("${env:KEY}",)]
