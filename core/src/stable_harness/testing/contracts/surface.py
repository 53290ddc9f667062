"""The protocol surface contract suite.

A surface plugin's tests subclass :class:`SurfaceContract` with ``surface = "<name>"``, the
``config`` to build it with, and :meth:`SurfaceContract.submit`, a client of the protocol that
sends one request and returns the id of the run it created (raising ``PermissionError`` when
the surface refuses the credentials). Requests go to the agent ``contract-echo``, which
answers ``"echo: <input>"``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest

from stable_harness.records import Slot
from stable_harness.runtime import Runtime
from stable_harness.surfaces.contract import Surface, SurfaceBinding
from stable_harness.testing.contracts.base import ContractSuite, build, registered
from stable_harness.testing.contracts.workspaces import write_contract_workspace
from stable_harness.testing.harness import open_runtime

TOKEN = "contract-token-0123456789"
START_TIMEOUT = 30.0


@dataclass
class Served:
    """A surface serving in the test's event loop."""

    runtime: Runtime
    url: str
    stop: asyncio.Event
    task: asyncio.Task[None]
    urls: list[str] = field(default_factory=list)


async def _can_connect(url: str) -> bool:
    parts = urlsplit(url)
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port), timeout=5)
    except (TimeoutError, OSError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


class SurfaceContract(ContractSuite):
    """Subclass with ``surface``, ``config`` and :meth:`submit`."""

    surface: ClassVar[str]
    config: ClassVar[dict[str, Any]] = {}

    async def submit(self, url: str, token: str | None, agent: str, input: str) -> str:
        """Send one request for ``agent`` with ``input`` through the protocol at ``url``
        (with ``token`` as the bearer credential, if any); return the run id. Raise
        ``PermissionError`` when the surface refuses the credential."""
        raise NotImplementedError

    def binding(self, token: str | None) -> SurfaceBinding:
        record = registered(Slot.SURFACE, self.surface)
        config = record.config_class().model_validate(self.config)
        return SurfaceBinding(self.surface, "127.0.0.1", 0, token, config)

    @contextlib.asynccontextmanager
    async def serving(self, root: Path, token: str | None = None) -> AsyncIterator[Served]:
        async with open_runtime(root) as runtime:
            surface: Surface = build(Slot.SURFACE, self.surface, self.config)
            stop, urls = asyncio.Event(), list[str]()
            ready: Callable[[str], None] = urls.append
            task = asyncio.create_task(surface.serve(runtime, self.binding(token),
                                                     ready=ready, stop=stop))
            for _ in range(int(START_TIMEOUT * 20)):
                if urls or task.done():
                    break
                await asyncio.sleep(0.05)
            if not urls:
                stop.set()
                await task  # raises what made serve fail
                pytest.fail(f"{self.surface} never called ready()")
            try:
                yield Served(runtime, urls[0], stop, task, urls)
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=START_TIMEOUT)

    @pytest.fixture
    def contract_root(self, tmp_path: Path) -> Path:
        return write_contract_workspace(tmp_path / "ws")

    # -- the contract -----------------------------------------------------------------------

    async def test_ready_reports_the_bound_address(self, contract_root: Path) -> None:
        """``serve`` calls ``ready`` once, with the real port when asked for port 0, and
        accepts connections there.

        Fix: call ``ready(url)`` after the listener is bound, with the bound port."""
        async with self.serving(contract_root) as served:
            assert served.urls == [served.url]
            assert urlsplit(served.url).port not in (None, 0), served.url
            assert await _can_connect(served.url)

    async def test_a_request_becomes_a_run_of_the_runtime(self, contract_root: Path) -> None:
        """A request through the surface is a run of the runtime it was given (stored,
        with its output), never a side channel to a backend.

        Fix: start runs with ``runtime.start``/``runtime.run`` only."""
        async with self.serving(contract_root) as served:
            run_id = await self.submit(served.url, None, "contract-echo", "over the wire")
            done = await served.runtime.wait(run_id, timeout=30)
        assert done.status == "completed", done.error
        assert "over the wire" in str(done.output)

    async def test_a_bearer_token_is_enforced(self, contract_root: Path) -> None:
        """With a token in the binding, a request without it is refused and creates no run;
        with it, the request runs.

        Fix: compare the ``Authorization: Bearer`` credential (or the protocol's
        equivalent) with ``hmac.compare_digest`` before touching the runtime."""
        async with self.serving(contract_root, token=TOKEN) as served:
            with pytest.raises(PermissionError):
                await self.submit(served.url, None, "contract-echo", "no token")
            with pytest.raises(PermissionError):
                await self.submit(served.url, TOKEN + "x", "contract-echo", "bad token")
            assert await served.runtime.list_runs() == []
            run_id = await self.submit(served.url, TOKEN, "contract-echo", "token")
            assert (await served.runtime.wait(run_id, timeout=30)).status == "completed"

    async def test_stop_closes_the_listener(self, contract_root: Path) -> None:
        """Setting ``stop`` makes ``serve`` return promptly and release the port.

        Fix: wait on ``stop``, then close the listener and open connections."""
        async with self.serving(contract_root) as served:
            url = served.url
            served.stop.set()
            await asyncio.wait_for(served.task, timeout=START_TIMEOUT)
        assert not await _can_connect(url)
