"""Who owns a run: owner ids, and whether the process behind an owner is still alive."""

from __future__ import annotations

import os
import socket

HOST = socket.gethostname()


def new_owner_id() -> str:
    """``host:pid:random``: unique per runtime instance, readable in ``inspect``."""
    return f"{HOST}:{os.getpid()}:{os.urandom(4).hex()}"


def owner_is_dead(owner: str | None) -> bool:
    """True when ``owner`` is a process on this host that no longer exists.

    Lets a restarted process recover its crashed runs at once instead of waiting for the lease
    to expire. Owners on other hosts are never judged dead here: only their lease can say so.
    """
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
