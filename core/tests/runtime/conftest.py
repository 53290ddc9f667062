from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from stable_harness.runtime import Runtime

from .rt_workspace import write_workspace


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RT_EFFECT_FILE", str(tmp_path / "effects.log"))
    return write_workspace(tmp_path / "ws")


@pytest.fixture
async def rt(ws: Path) -> AsyncIterator[Runtime]:
    runtime = await Runtime.open(ws)
    yield runtime
    await runtime.close()
