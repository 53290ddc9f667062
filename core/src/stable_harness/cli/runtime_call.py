"""Run an async body against an open :class:`Runtime` from a CLI command, with clean errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from stable_harness.cli.output import fail

if TYPE_CHECKING:
    from stable_harness.runtime import Runtime

T = TypeVar("T")


def with_runtime(workspace: Path, body: Callable[[Runtime], Awaitable[T]], *,
                 as_json: bool = False, recover: bool = False) -> T:
    """Open the workspace's runtime, run ``body``, close it; errors exit non-zero without a
    traceback (as JSON with ``--json``). Read-only commands pass ``recover=False`` so they
    never start driving someone else's runs."""
    from stable_harness.errors import RunError, StableHarnessError, WorkspaceError

    async def main() -> T:
        from stable_harness.runtime import Runtime

        runtime = await Runtime.open(workspace, recover=recover)
        try:
            return await body(runtime)
        finally:
            await runtime.close()

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
