"""Event timestamps: ISO 8601 UTC with six-digit microseconds, correct from any thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from stable_harness.runs.events import now_iso


def test_timestamps_are_the_current_utc_time_from_every_thread() -> None:
    stamps: list[tuple[datetime, str, datetime]] = []

    def stamp() -> None:
        for _ in range(2000):
            before = datetime.now(UTC)
            text = now_iso()
            stamps.append((before, text, datetime.now(UTC)))

    threads = [threading.Thread(target=stamp) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    slack = timedelta(microseconds=1)  # the clocks read are rounded differently
    for before, text, after in stamps:
        assert len(text) == len("2026-12-01T15:28:02.423925+00:00"), text
        assert before - slack <= datetime.fromisoformat(text) <= after + slack, text
