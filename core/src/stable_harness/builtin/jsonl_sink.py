"""The ``jsonl`` event sink implementation."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stable_harness.builtin.config import JsonlSinkConfig


class JsonlSink:
    """Appends each event as one JSON line; opens the file lazily on the first event."""

    def __init__(self, config: JsonlSinkConfig, base: Path | None = None) -> None:
        path = Path(config.path)
        self.path = path if path.is_absolute() or base is None else base / path
        self._fsync = config.fsync
        self._file: Any = None

    def handle(self, event: Mapping[str, Any]) -> None:
        """Write ``event`` as one line (``default=str`` keeps timestamps and ids readable)."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(json.dumps(dict(event), default=str, separators=(",", ":")) + "\n")
        self._file.flush()
        if self._fsync:
            os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file if it was opened."""
        if self._file is not None:
            self._file.close()
            self._file = None
