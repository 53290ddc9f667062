"""The `{{ cookiecutter.plugin_name }}` event sink: one tab-separated line per event (seq, type, run).

Sinks are projections of the run store (the source of truth): ``handle`` runs in a worker
thread, so blocking I/O is fine; a failure is reported as ``harness.sink.failed`` and never
fails a run. This is where a real destination plugs in (a tracing system, a queue).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field
from stable_harness.builtin.config import PluginConfig


class {{ cookiecutter.__class_prefix }}Config(PluginConfig):
    """An entry's `config` in `Runtime.spec.eventSinks`."""

    path: str = Field(".stable-harness/{{ cookiecutter.plugin_name }}.tsv", min_length=1,
                      description="File to append to (relative paths: to the workspace).")


class {{ cookiecutter.__class_prefix }}Sink:
    """``factory(config, base=<workspace folder>)``."""

    def __init__(self, config: {{ cookiecutter.__class_prefix }}Config, base: Path | None = None) -> None:
        path = Path(config.path)
        self.path = path if path.is_absolute() or base is None else base / path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def handle(self, event: Mapping[str, Any]) -> None:
        self._file.write(f"{event.get('seq')}\t{event.get('type')}\t{event.get('runId')}\n")
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
