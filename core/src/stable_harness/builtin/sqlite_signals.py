"""Wake-ups between processes sharing one SQLite store, through named pipes (FIFOs).

Each listener makes a pipe of its own in ``<store file>.signals/<channel key>/`` and has the
event loop watch it; a signal writes one byte into every pipe of the channel's folder. A
channel nobody listens on has no folder: signalling it costs one failed directory listing,
whatever else is listened on. A pipe whose listener died (no reader:
``ENXIO``) is removed by the next signal. Where named pipes do not exist (Windows), listening
is a no-op and the runtime's polling does the work, as it does for stores without signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
from collections.abc import Callable
from pathlib import Path


def _key(channel: str) -> str:
    return hashlib.sha256(channel.encode()).hexdigest()[:24]


class FifoSignals:
    """Signals through the pipes in ``folder`` (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def signal(self, channel: str) -> None:
        """Wake every listener of ``channel``; never raises."""
        folder = self.folder / _key(channel)
        try:
            names = os.listdir(folder)
        except OSError:
            return  # no folder: nobody listens
        for name in names:
            path = folder / name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno == errno.ENXIO:  # its listener is gone
                    with contextlib.suppress(OSError):
                        path.unlink()
                continue
            try:
                os.write(fd, b"\0")
            except OSError:
                pass  # full: a wake-up is already pending
            finally:
                os.close(fd)

    def listen(self, channel: str, wake: Callable[[], None]) -> Callable[[], None]:
        """Call ``wake`` on the running loop whenever ``channel`` is signalled; return the
        function that stops listening (and removes the pipe)."""
        if not hasattr(os, "mkfifo"):
            return lambda: None
        loop = asyncio.get_running_loop()
        folder = self.folder / _key(channel)
        path = folder / f"{os.getpid()}.{os.urandom(4).hex()}"
        try:
            for attempt in range(3):  # another listener's stop may remove the folder between
                folder.mkdir(parents=True, exist_ok=True)
                try:
                    os.mkfifo(path, 0o600)
                    break
                except FileNotFoundError:
                    if attempt == 2:
                        raise
            reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            # our own writer keeps the pipe from reading end-of-file when signallers close it
            keeper = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return lambda: None  # e.g. a read-only folder: polling covers it

        def readable() -> None:
            with contextlib.suppress(BlockingIOError):
                os.read(reader, 4096)
            wake()

        loop.add_reader(reader, readable)

        def stop() -> None:
            with contextlib.suppress(Exception):
                loop.remove_reader(reader)
            for fd in (reader, keeper):
                with contextlib.suppress(OSError):
                    os.close(fd)
            with contextlib.suppress(OSError):
                path.unlink()
            with contextlib.suppress(OSError):  # fails while others listen: fine
                folder.rmdir()
        return stop
