"""Assistants, threads, state and history, runs and the store through the official
``langgraph-sdk`` client (async and sync) against the surface on a loopback port."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from langgraph_sdk import get_client, get_sync_client
from langgraph_sdk.errors import BadRequestError, ConflictError, NotFoundError

pytestmark = pytest.mark.slow

HI = {"messages": [{"role": "user", "content": "hi"}]}


async def test_assistants_are_the_exposed_agents_plus_created_configs(url: str) -> None:
    client = get_client(url=url)
    found = await client.assistants.search(limit=100)
    graphs = {a["graph_id"] for a in found}
    assert {"assistant", "orchestra", "one", "steps", "review", "gated", "pyecho"} <= graphs
    default = await client.assistants.get("one")
    assert default["graph_id"] == "one"
    assert default["description"] == "One node that answers; the benchmark's graph."
    assert await client.assistants.get(default["assistant_id"]) == default
    drawn = await client.assistants.get_graph("steps")
    assert {"plan", "work"} <= {n["id"] for n in drawn["nodes"]}
    schemas = await client.assistants.get_schemas("steps")
    assert "topic" in schemas["input_schema"]["properties"]

    created = await client.assistants.create("one", config={"configurable": {"k": 1}},
                                             name="tuned", metadata={"team": "a"})
    assert created["version"] == 1
    assert created["name"] == "tuned"
    with pytest.raises(ConflictError):
        await client.assistants.create("one", assistant_id=created["assistant_id"])
    updated = await client.assistants.update(created["assistant_id"], name="retuned")
    assert updated["version"] == 2
    versions = await client.assistants.get_versions(created["assistant_id"])
    assert [v["version"] for v in versions] == [2, 1]
    back = await client.assistants.set_latest(created["assistant_id"], 1)
    assert back["name"] == "tuned"
    assert [a["assistant_id"] for a in await client.assistants.search(
        metadata={"team": "a"})] == [created["assistant_id"]]
    assert await client.assistants.count(graph_id="one") == 2
    await client.assistants.delete(created["assistant_id"])
    with pytest.raises(NotFoundError):
        await client.assistants.get(created["assistant_id"])
    with pytest.raises(NotFoundError):
        await client.assistants.create("no-such-graph")


async def test_threads_are_sessions_with_metadata(url: str) -> None:
    client = get_client(url=url)
    thread = await client.threads.create(metadata={"user": "ada"})
    tid = thread["thread_id"]
    assert thread["status"] == "idle"
    assert thread["metadata"] == {"user": "ada"}
    with pytest.raises(ConflictError):
        await client.threads.create(thread_id=tid)
    assert (await client.threads.create(thread_id=tid, if_exists="do_nothing"))[
        "thread_id"] == tid
    named = await client.threads.create(thread_id="my-thread-1")
    assert named["thread_id"] == "my-thread-1"
    updated = await client.threads.update(tid, metadata={"topic": "x"})
    assert updated["metadata"] == {"user": "ada", "topic": "x"}
    assert [t["thread_id"] for t in await client.threads.search(
        metadata={"user": "ada"})] == [tid]
    assert await client.threads.count(metadata={"user": "ada"}) == 1
    await client.runs.wait(tid, "one", input=HI)
    assert (await client.threads.search(metadata={"user": "ada"}, status="idle"))[0][
        "values"]["messages"][-1]["content"] == "ok: hi"
    copy = await client.threads.copy(tid)
    assert copy["thread_id"] != tid
    assert (await client.threads.get_state(copy["thread_id"]))["values"]["messages"][-1][
        "content"] == "ok: hi"
    await client.threads.delete(tid)
    with pytest.raises(NotFoundError):
        await client.threads.get(tid)
    with pytest.raises(NotFoundError):
        await client.runs.create("no-such-thread", "one", input=HI)
    created = await client.runs.create("brand-new", "one", input=HI, if_not_exists="create")
    assert (await client.runs.join("brand-new", created["run_id"]))["messages"][-1][
        "content"] == "ok: hi"


async def test_state_continues_across_runs_and_has_history(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    first = await client.runs.wait(tid, "one", input=HI)
    assert [m["content"] for m in first["messages"]] == ["hi", "ok: hi"]
    second = await client.runs.wait(
        tid, "one", input={"messages": [{"role": "user", "content": "again"}]})
    assert [m["content"] for m in second["messages"]] == ["hi", "ok: hi", "again",
                                                          "ok: again"]
    state = await client.threads.get_state(tid)
    assert state["checkpoint"]["thread_id"] == tid
    assert state["next"] == []
    history = await client.threads.get_history(tid, limit=100)
    assert [len(h["values"].get("messages", [])) for h in history][:3] == [4, 3, 2]
    assert history[0]["checkpoint"]["checkpoint_id"] == state["checkpoint"]["checkpoint_id"]
    older = history[2]
    at = await client.threads.get_state(tid, checkpoint_id=older["checkpoint"][
        "checkpoint_id"])
    assert len(at["values"]["messages"]) == 2
    page = await client.threads.get_history(tid, limit=2, before=history[0]["checkpoint"])
    assert [h["checkpoint"]["checkpoint_id"] for h in page] == [
        h["checkpoint"]["checkpoint_id"] for h in history[1:3]]
    written = await client.threads.update_state(
        tid, {"messages": [{"role": "user", "content": "noted"}]}, as_node="reply")
    assert written["checkpoint"]["thread_id"] == tid
    third = await client.runs.wait(tid, "one",
                                   input={"messages": [{"role": "user", "content": "3"}]})
    assert [m["content"] for m in third["messages"]][-3:] == ["noted", "3", "ok: 3"]


async def test_state_written_before_the_first_run(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create(graph_id="steps"))["thread_id"]
    await client.threads.update_state(tid, {"topic": "preset", "steps": ["given"]},
                                      as_node="plan")
    assert (await client.threads.get_state(tid))["values"]["topic"] == "preset"
    out = await client.runs.wait(tid, "steps", input={"topic": "preset"})
    assert out["steps"] == ["given", "plan preset"]
    assert out["done"] == "acted on preset"
    with pytest.raises(ConflictError):  # a python agent keeps no graph state
        await client.threads.update_state(
            (await client.threads.create())["thread_id"], {"x": 1})


async def test_runs_list_get_delete_and_stateless(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(tid, "one", input=HI, metadata={"tag": "t1"})
    assert run["status"] in ("pending", "running", "success")
    await client.runs.join(tid, run["run_id"])
    got = await client.runs.get(tid, run["run_id"])
    assert got["status"] == "success"
    assert got["metadata"] == {"tag": "t1"}
    assert [r["run_id"] for r in await client.runs.list(tid)] == [run["run_id"]]
    assert await client.runs.list(tid, status="error") == []
    await client.runs.delete(tid, run["run_id"])
    with pytest.raises(NotFoundError):
        await client.runs.get(tid, run["run_id"])
    out = await client.runs.wait(None, "one", input=HI)
    assert out["messages"][-1]["content"] == "ok: hi"
    parts = [p async for p in client.runs.stream(None, "one", input=HI)]
    assert parts[0].event == "metadata"
    assert parts[-1].event == "end"
    gone = parts[0].data["thread_id"]  # a stateless run's thread goes when it ends
    for _ in range(200):
        try:
            await client.threads.get(gone)
        except NotFoundError:
            break
        await asyncio.sleep(0.025)
    else:
        raise AssertionError(f"stateless thread {gone} was kept")
    kept = await client.runs.create(None, "one", input=HI, on_completion="keep")
    assert (await client.runs.join(kept["thread_id"], kept["run_id"]))["messages"]
    batch = await client.runs.create_batch([{"assistant_id": "one", "input": HI}] * 2)
    assert len({r["run_id"] for r in batch}) == 2


async def test_the_store_is_the_memory(url: str) -> None:
    client = get_client(url=url)
    await client.store.put_item(["users", "ada"], "pref", {"color": "blue"})
    await client.store.put_item(["users", "bob"], "pref", {"color": "red", "key": "sk-live-"})
    item = await client.store.get_item(["users", "ada"], "pref")
    assert item["value"] == {"color": "blue"}
    assert item["namespace"] == ["users", "ada"]
    found = await client.store.search_items(["users"], filter={"color": "red"})
    assert [i["namespace"] for i in found["items"]] == [["users", "bob"]]
    spaces = await client.store.list_namespaces(prefix=["users"])
    assert spaces["namespaces"] == [["users", "ada"], ["users", "bob"]]
    assert (await client.store.list_namespaces(max_depth=1))["namespaces"] == [["users"]]
    assert (await client.store.list_namespaces(suffix=["bob"]))["namespaces"] == [
        ["users", "bob"]]
    await client.store.delete_item(["users", "ada"], "pref")
    with pytest.raises(NotFoundError):
        await client.store.get_item(["users", "ada"], "pref")


def test_the_sync_client_runs_a_thread(url: str) -> None:
    client = get_sync_client(url=url)
    tid = client.threads.create()["thread_id"]
    parts = list(client.runs.stream(tid, "one", input=HI, stream_mode=["values"]))
    assert [p.event for p in parts] == ["metadata", "values", "values", "end"]
    assert client.threads.get_state(tid)["values"]["messages"][-1]["content"] == "ok: hi"
    assert client.threads.get(tid)["status"] == "idle"


def test_unsupported_and_unknown_endpoints_are_clear(url: str) -> None:
    streams = httpx.get(f"{url}/threads/any/stream")
    assert streams.status_code == 501
    assert "thread streams" in streams.json()["detail"]
    missing = httpx.get(f"{url}/nothing/here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    bad = httpx.post(f"{url}/threads/x/runs", json={"assistant_id": "one",
                                                     "stream_mode": "sideways"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "stream_mode"
    wrong = httpx.post(f"{url}/threads", content=b"{not json")
    assert wrong.status_code == 400


def test_a_token_is_required_when_configured(serve_with) -> None:
    with serve_with("s3cret-token-xyz-1234") as server:
        url = server.urls["langgraph"]
        with pytest.raises(httpx.HTTPStatusError) as refused:
            get_sync_client(url=url, api_key=None).threads.create()
        assert refused.value.response.status_code == 401
        assert httpx.get(f"{url}/ok").status_code == 200
        client = get_sync_client(url=url, headers={"Authorization":
                                                   "Bearer s3cret-token-xyz-1234"})
        assert client.threads.create()["status"] == "idle"
        keyed = get_sync_client(url=url, api_key="s3cret-token-xyz-1234")  # x-api-key
        assert keyed.threads.create()["status"] == "idle"
        with pytest.raises(httpx.HTTPStatusError):
            get_sync_client(url=url, api_key="s3cret-token-xyz-1235").threads.create()


async def test_a_run_forks_from_a_past_checkpoint(url: str) -> None:
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "one", input=HI)
    await client.runs.wait(tid, "one", input={"messages": [{"role": "user", "content": "2"}]})
    history = await client.threads.get_history(tid, limit=100)
    after_first = next(h for h in history if len(h["values"].get("messages", [])) == 2
                       and not h["next"])
    forked = await client.runs.wait(
        tid, "one", input={"messages": [{"role": "user", "content": "instead"}]},
        checkpoint_id=after_first["checkpoint"]["checkpoint_id"])
    assert [m["content"] for m in forked["messages"]] == ["hi", "ok: hi", "instead",
                                                          "ok: instead"]
    with pytest.raises(NotFoundError):
        await client.runs.create(tid, "one", input=HI, checkpoint_id="no-such-checkpoint")


async def test_a_webhook_gets_the_finished_run(serve_with) -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    got: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    receiver = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/done"
    try:
        with serve_with() as plain:  # loopback is refused unless allowed
            client = get_client(url=plain.urls["langgraph"])
            with pytest.raises(BadRequestError) as refused:
                await client.runs.create(None, "one", input=HI, webhook=hook)
            assert "loopback" in str(refused.value)
        with serve_with(webhook_networks=["127.0.0.0/8"]) as server:
            client = get_client(url=server.urls["langgraph"])
            run = await client.runs.create(None, "one", input=HI, webhook=hook,
                                           on_completion="keep")
            for _ in range(200):
                if got:
                    break
                await asyncio.sleep(0.025)
            assert got[0]["run_id"] == run["run_id"]
            assert got[0]["status"] == "success"
    finally:
        receiver.shutdown()
