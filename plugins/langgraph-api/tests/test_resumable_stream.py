"""A stream cut mid-run is resumed by the SDK itself: it reconnects to the ``Location`` we
send with ``Last-Event-ID`` and gets exactly the events it missed, none twice."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import pytest
from langgraph_sdk import get_client

pytestmark = pytest.mark.slow


class CuttingProxy:
    """Forwards TCP to the server; the first connection is cut after ``cut`` response
    bytes (a dropped network), later ones pass whole."""

    def __init__(self, target: str, cut: int) -> None:
        parts = urlsplit(target)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cut = cut
        self.connections = 0
        self.server: asyncio.AbstractServer | None = None

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                      ) -> None:
        self.connections += 1
        limit = self.cut if self.connections == 1 else None
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port)

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter,
                       budget: int | None) -> None:
            sent = 0
            with contextlib.suppress(Exception):
                while data := await src.read(512):
                    if budget is not None and sent + len(data) > budget:
                        dst.write(data[:budget - sent])
                        await dst.drain()
                        break
                    sent += len(data)
                    dst.write(data)
                    await dst.drain()
            for w in (dst, writer, up_writer):
                with contextlib.suppress(Exception):
                    w.close()

        await asyncio.gather(pump(reader, up_writer, None), pump(up_reader, writer, limit))


async def test_a_cut_stream_resumes_where_it_stopped(url: str) -> None:
    proxy = CuttingProxy(url, cut=3000)
    async with proxy as proxied:
        client = get_client(url=proxied)
        tid = (await client.threads.create())["thread_id"]
        got = [p async for p in client.runs.stream(
            tid, "orchestra", input={"messages": [{"role": "user", "content": "hello"}]},
            stream_mode=["messages-tuple", "values"])]
    assert proxy.connections >= 2  # the cut one (thread, then stream), the resumed one
    run_id = got[0].data["run_id"]
    direct = get_client(url=url)
    whole = [p async for p in direct.runs.join_stream(tid, run_id)]
    assert [p.event for p in got] == [p.event for p in whole]
    assert [p.data for p in got] == [p.data for p in whole]
    assert got[-1].event == "end"
    assert len([p for p in got if p.event == "messages"]) > 10
