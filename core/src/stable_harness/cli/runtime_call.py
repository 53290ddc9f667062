"""Run an async body against an open :class:`Runtime` from a CLI command, with clean errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from stable_harness.cli.output import fail

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime
    from stable_harness.store.contract import RunStore

T = TypeVar("T")


def with_runtime(workspace: Path, body: Callable[[Runtime], Awaitable[T]], *,
                 as_json: bool = False, recover: bool = False) -> T:
    """Open the workspace's runtime, run ``body``, close it; errors exit non-zero without a
    traceback (as JSON with ``--json``). Read-only commands pass ``recover=False`` so they
    never start driving someone else's runs."""

    async def main() -> T:
        from stable_harness.runtime import Runtime

        runtime = await Runtime.open(workspace, recover=recover)
        try:
            return await body(runtime)
        finally:
            await runtime.close()

    return _run_cleanly(workspace, main, as_json)


def with_store(workspace: Path, body: Callable[[RunStore], Awaitable[T]], *,
               as_json: bool = False) -> T:
    """Like :func:`with_runtime` with only the workspace's run store open (no plugins but
    the store's, no backends, no workspace models): for commands that need nothing else."""
    async def main() -> T:
        from stable_harness.workspace.store_access import open_run_store

        store = open_run_store(workspace)
        await store.open()
        try:
            return await body(store)
        finally:
            await store.close()

    return _run_cleanly(workspace, main, as_json)


def _run_cleanly(workspace: Path, main: Callable[[], Coroutine[Any, Any, T]], as_json: bool
                 ) -> T:
    from stable_harness.errors import RunError, StableHarnessError, WorkspaceError

    try:
        return asyncio.run(main())
    except WorkspaceError as exc:
        fail(f"workspace {workspace} is invalid; run `stable-harness validate` for details"
             f"\n{exc}", as_json=as_json)
    except RunError as exc:
        extra = {"diagnostics": exc.diagnostics} if hasattr(exc, "diagnostics") else {}
        fail(str(exc), as_json=as_json, code=1, errorCode=exc.code, **extra)
    except StableHarnessError as exc:
        fail(str(exc), as_json=as_json)


def parse_json_option(value: str | None, option: str, *, as_json: bool) -> Any:
    """Parse a JSON-valued option, failing with the option's name."""
    import json

    if value is None:
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        fail(f"{option}: not valid JSON ({exc.msg} at column {exc.colno})", as_json=as_json)
