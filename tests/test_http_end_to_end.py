"""The scaffold (DeepAgents on the scripted model) behind the HTTP surfaces, driven by the
official ``openai`` client and by httpx: real backend, real server, real clients."""

from __future__ import annotations

from pathlib import Path

import httpx
import openai
import pytest
from stable_harness.cli.app import build_app
from stable_harness.surfaces.bindings import Overrides, load_for_serving, plan_bindings
from stable_harness.testing.serving import ServedRuntime, free_port_args
from typer.testing import CliRunner

pytestmark = pytest.mark.slow


@pytest.fixture
def scaffold_server(tmp_path: Path):
    demo = tmp_path / "demo"
    assert CliRunner().invoke(build_app(), ["init", str(demo)]).exit_code == 0
    bindings = plan_bindings(load_for_serving(demo),
                             Overrides(ports=tuple(free_port_args(demo)[1::2])))
    with ServedRuntime(demo, bindings) as served:
        yield served.urls


def test_scaffold_through_openai_client_and_native_api(scaffold_server):
    client = openai.OpenAI(base_url=scaffold_server["openaiCompatible"] + "/v1", api_key="x",
                           max_retries=0, _strict_response_validation=True)
    assert [m.id for m in client.models.list().data] == ["assistant", "orchestra"]
    chunks = list(client.chat.completions.create(
        model="orchestra", messages=[{"role": "user", "content": "hello"}], stream=True,
        stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "hello" in text
    usage = chunks[-1].usage
    assert usage is not None
    assert usage.prompt_tokens > 0
    assert usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    run_id = chunks[0].id.removeprefix("chatcmpl-")
    trace = httpx.get(f"{scaffold_server['http']}/runs/{run_id}/trace", timeout=30).json()
    reported = [e["payload"] for e in trace["events"] if e["type"] == "harness.model.usage"]
    assert sum(p["totalTokens"] for p in reported) == usage.total_tokens
    assert trace["run"]["status"] == "completed"
    mermaid = httpx.get(f"{scaffold_server['http']}/workflows/orchestra/mermaid", timeout=30)
    assert mermaid.status_code == 200
    assert "graph" in mermaid.json()["mermaid"]
