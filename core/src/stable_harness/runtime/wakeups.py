"""The store's signals as the run lifecycle uses them: wake a run's owner for a cancel asked
elsewhere, and wake waiters in other processes when a run's state changes.

Every helper is a no-op for a store without :class:`StoreSignals` (processes then notice each
other's changes by polling), so callers never check for the capability themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

from stable_harness.store.contract import RunStore, StoreSignals, owner_channel, run_channel


class StoreWakeups:
    """Signals of one store (see the module docstring)."""

    def __init__(self, store: RunStore) -> None:
        self._signals = store if isinstance(store, StoreSignals) else None

    def wake_owner(self, owner: str | None) -> None:
        """Tell ``owner`` that a cancel was requested for one of its runs."""
        if owner and self._signals is not None:
            self._signals.signal(owner_channel(owner))

    def listen_as_owner(self, owner: str, wake: Callable[[], None]) -> Callable[[], None]:
        """Call ``wake`` when a cancel is requested for a run of ``owner``; return the stop."""
        if self._signals is None:
            return lambda: None
        return self._signals.listen(owner_channel(owner), wake)

    def state_changed(self, run_ids: Iterable[str]) -> None:
        """Wake whoever waits on these runs in another process."""
        if self._signals is not None:
            for run_id in run_ids:
                self._signals.signal(run_channel(run_id))

    @contextlib.contextmanager
    def watching(self, run_id: str, wake: Callable[[], None]) -> Iterator[None]:
        """Call ``wake`` whenever the state of ``run_id`` changes, for the ``with`` body."""
        if self._signals is None:
            yield
            return
        stop = self._signals.listen(run_channel(run_id), wake)
        try:
            yield
        finally:
            stop()
