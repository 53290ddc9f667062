"""schemathesis against the surface's own OpenAPI document: never a 5xx, and every response
has the status, content type and shape the document publishes."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def fuzzed(serve_with):
    # graphs that answer at once: a generated run never waits on a sleeping node
    with serve_with(expose_agents=["one", "pyecho"]) as server:
        yield server.urls["langgraph"]


def test_the_langgraph_api_honours_its_openapi(fuzzed: str) -> None:
    thread = httpx.post(f"{fuzzed}/threads", json={}).json()["thread_id"]
    schema = schemathesis.openapi.from_url(f"{fuzzed}/openapi.json")
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        inputs = (operation.path_parameters, operation.query, operation.headers,
                  operation.body)
        modes = [GenerationMode.POSITIVE]
        if any(len(part) for part in inputs):
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @SETTINGS
            def honours_schema(case) -> None:
                if case.path_parameters and "thread_id" in case.path_parameters:
                    case.path_parameters["thread_id"] = thread  # reach past the 404
                case.call_and_validate(checks=CHECKS, timeout=30)

            try:
                honours_schema()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label
        checked += 1
    assert checked >= 40


HOSTILE = [
    ("POST", "/threads", {"thread_id": "../../etc"}),
    ("POST", "/threads", {"thread_id": "a\ud800b"}),
    ("POST", "/threads/search", {"limit": 10**12}),
    ("POST", "/runs/wait", {"assistant_id": "one", "input": {"messages": "[" * 3000}}),
    ("POST", "/runs/wait", {"assistant_id": "one", "command": {"goto": 5}}),
    ("POST", "/runs/wait", {"assistant_id": "one", "config": {"configurable": [1]}}),
    ("PUT", "/store/items", {"namespace": ["a.b"], "key": "k", "value": {}}),
    ("PUT", "/store/items", {"namespace": [""], "key": "k", "value": {}}),
]


@pytest.mark.parametrize(("method", "path", "body"), HOSTILE)
def test_hostile_bodies_are_refused_clearly(fuzzed: str, method: str, path: str,
                                            body: dict) -> None:
    import json

    raw = json.dumps(body, ensure_ascii=True).encode()
    response = httpx.request(method, f"{fuzzed}{path}", content=raw,
                             headers={"content-type": "application/json"}, timeout=30)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["detail"]
