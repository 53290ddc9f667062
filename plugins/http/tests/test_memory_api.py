"""``/memory`` on the native API: list, put, get, search with filters, delete, export and
import (a bad line stores nothing), clear errors for unknown memories and bad input."""

from __future__ import annotations

import json

import httpx


async def test_memory_routes_round_trip(native: httpx.AsyncClient) -> None:
    listed = (await native.get("/memory")).json()
    assert [m["name"] for m in listed["memories"]] == ["notes"]
    assert listed["memories"][0]["namespace"] == "users/{user}"
    for key, value in (("a", {"kind": "fruit", "n": 1}), ("b", {"kind": "veg", "n": 5}),
                       ("c", {"kind": "fruit", "n": 9})):
        r = await native.put("/memory/notes/item", json={"namespace": "users/u-1",
                                                          "key": key, "value": value})
        assert r.status_code == 200, r.text
        assert r.json()["value"] == value
    got = await native.get("/memory/notes/item", params={"namespace": "users/u-1",
                                                          "key": "b"})
    assert got.json()["value"] == {"kind": "veg", "n": 5}
    found = await native.get("/memory/notes/items", params={
        "namespace": "users", "filter": json.dumps({"kind": "fruit", "n": {"$gt": 2}})})
    assert [i["key"] for i in found.json()["items"]] == ["c"]
    spaces = await native.get("/memory/notes/namespaces")
    assert spaces.json() == {"namespaces": ["users/u-1"]}

    exported = await native.get("/memory/notes/export")
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    lines = exported.text.splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["a", "b", "c"]  # oldest first

    assert (await native.delete("/memory/notes/item", params={
        "namespace": "users/u-1", "key": "a"})).status_code == 204
    missing = await native.get("/memory/notes/item", params={"namespace": "users/u-1",
                                                              "key": "a"})
    assert missing.status_code == 404

    bad = "\n".join([lines[0], '{"namespace": "x"}'])
    refused = await native.post("/memory/notes/import", content=bad,
                                headers={"content-type": "application/x-ndjson"})
    assert refused.status_code == 400
    assert "line 2" in refused.json()["error"]["message"]
    assert (await native.get("/memory/notes/item", params={
        "namespace": "users/u-1", "key": "a"})).status_code == 404  # nothing imported
    imported = await native.post("/memory/notes/import", content=exported.text,
                                 headers={"content-type": "application/x-ndjson"})
    assert imported.json() == {"imported": 3}
    again = await native.get("/memory/notes/export")
    assert again.text == exported.text  # the same items, times included


async def test_memory_errors_are_clear(native: httpx.AsyncClient) -> None:
    unknown = await native.get("/memory/nope/items")
    assert unknown.status_code == 404
    assert "no Memory 'nope'" in unknown.json()["error"]["message"]
    for params in ({"namespace": "a//b"}, {"filter": "not json"}, {"filter": "[1]"},
                   {"filter": json.dumps({"n": {"$like": 1}})}):
        r = await native.get("/memory/notes/items", params=params)
        assert r.status_code == 400, (params, r.text)
    not_object = await native.put("/memory/notes/item", json={
        "namespace": "users/u-1", "key": "k", "value": [1, 2]})
    assert not_object.status_code in (400, 422)
