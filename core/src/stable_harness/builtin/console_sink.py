"""The ``console`` event sink implementation."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

import structlog

from stable_harness.builtin.config import ConsoleSinkConfig


class ConsoleSink:
    """Writes one human-readable line per event."""

    def __init__(self, config: ConsoleSinkConfig, stream: TextIO | None = None,
                 base: Path | None = None) -> None:
        out = stream or (sys.stdout if config.stream == "stdout" else sys.stderr)
        colors = out.isatty() if config.colors is None else config.colors
        self._log = structlog.wrap_logger(
            structlog.PrintLogger(out),
            processors=[structlog.dev.ConsoleRenderer(colors=colors, sort_keys=False)],
        )

    def handle(self, event: Mapping[str, Any]) -> None:
        """Render ``event`` (an event envelope as a mapping) as one line."""
        fields: dict[str, Any] = {"run": event.get("runId"), "seq": event.get("seq")}
        for key, value in dict(event.get("payload") or {}).items():
            if key not in ("runId", "sessionId"):  # already shown / noise on every line
                fields[key if key not in ("event", "run", "seq") else f"{key}_"] = value
        self._log.info(str(event.get("type", "event")), **fields)

    def close(self) -> None:
        """Nothing to release; the stream belongs to the process."""
