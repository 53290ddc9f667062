"""The stable-harness pytest plugin, registered through the ``pytest11`` entry point of
``stable-harness-core``: fixtures for testing plugins in-process. It imports nothing heavy and
defines only fixtures, so it changes nothing in a test session that does not use them.

Fixtures (each a factory; see :mod:`stable_harness.testing.harness`):

* ``harness_plugins(enable=..., disable=..., local=...)``: a plugin host with chosen plugins;
* ``harness_workspace(source, name="ws")``: a workspace folder under ``tmp_path`` from a YAML
  string, a dict of files, or YAML documents as dicts;
* ``harness_runtime(workspace, local=...)``: an async context manager opening a runtime;
* ``harness_run(runtime, input, agent=..., ...)``: run a request, return the run and events;
* ``harness_events``: :func:`~stable_harness.testing.harness.assert_event_sequence`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def harness_plugins() -> Callable[..., Any]:
    """Build a plugin host: ``harness_plugins(enable=["my-plugin"], local={"name": "module"})``.
    ``local`` plugins need no entry point (a plugin under development)."""
    from stable_harness.testing.harness import plugin_host

    return plugin_host


@pytest.fixture
def harness_workspace(tmp_path: Path) -> Callable[..., Path]:
    """Write a workspace under ``tmp_path`` and return its folder:
    ``harness_workspace("kind: Agent ...")`` or ``harness_workspace({"agents.yaml": ...})``."""
    from stable_harness.testing.harness import WorkspaceSource, write_workspace

    def make(source: WorkspaceSource, name: str = "ws") -> Path:
        return write_workspace(tmp_path / name, source)

    return make


@pytest.fixture
def harness_runtime() -> Callable[..., Any]:
    """Open a runtime: ``async with harness_runtime(folder) as runtime: ...``."""
    from stable_harness.testing.harness import open_runtime

    return open_runtime


@pytest.fixture
def harness_run() -> Callable[..., Any]:
    """Run a request and collect its events: ``result = await harness_run(runtime, "hi",
    agent="echo")``; ``result.run.status``, ``result.types``."""
    from stable_harness.testing.harness import run_request

    return run_request


@pytest.fixture
def harness_events() -> Callable[..., None]:
    """Assert an ordered (sub)sequence of event types:
    ``harness_events(result.events, ["harness.run.started", "harness.run.completed"])``."""
    from stable_harness.testing.harness import assert_event_sequence

    return assert_event_sequence
