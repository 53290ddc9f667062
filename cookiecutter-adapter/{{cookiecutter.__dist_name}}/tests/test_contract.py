"""The {{ cookiecutter.slot }} contract suite of stable-harness, on this plugin. Each test's
docstring says what the contract requires and how to fix a failure."""

from __future__ import annotations
{% if cookiecutter.slot == "backend" %}
from stable_harness.testing.contracts import BackendContract

AGENTS = """
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-plain}
spec: {backend: {{ cookiecutter.plugin_name }}, entrypoint: "contract_agents:plain", tools: [contract_echo]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-approval}
spec: {backend: {{ cookiecutter.plugin_name }}, entrypoint: "contract_agents:approval", tools: [contract_echo]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-slow}
spec: {backend: {{ cookiecutter.plugin_name }}, entrypoint: "contract_agents:slow", tools: [contract_slow]}
"""

CODE = """
async def plain(text, services):
    return "echo: " + await services.call_tool("contract_echo", value=text)


async def approval(text, services):
    if not await services.approve({"tool": "contract_echo", "value": text}, "contract"):
        return "rejected"
    return await plain(text, services)


async def slow(text, services):
    return await services.call_tool("contract_slow", seconds=60)
"""


class TestContract(BackendContract):
    backend = "{{ cookiecutter.plugin_name }}"

    def agent_documents(self) -> str:
        return AGENTS

    def extra_files(self) -> dict[str, str]:
        return {"contract_agents.py": CODE}
{% elif cookiecutter.slot == "model-provider" %}
from stable_harness.testing.contracts import ModelProviderContract


class TestContract(ModelProviderContract):
    provider = "{{ cookiecutter.plugin_name }}"
    config = {"prefix": "answer: "}
    bad_config = {"prefix": 42}
{% elif cookiecutter.slot == "tool-registry" %}
from stable_harness.testing.contracts import ToolRegistryContract


class TestContract(ToolRegistryContract):
    registry = "{{ cookiecutter.plugin_name }}"
    arguments = {"name": "Ada"}
    result = "Hello Ada!"
    bad_arguments = {"name": ["not", "text"]}
    bad_config = {"template": 42}

    def tool_spec(self) -> dict:
        return {"config": {"template": "Hello {name}!"}}
{% elif cookiecutter.slot == "memory-store" %}
from stable_harness.testing.contracts import MemoryStoreContract


class TestContract(MemoryStoreContract):
    store = "{{ cookiecutter.plugin_name }}"
    config = {"path": "memories.json"}
{% elif cookiecutter.slot == "run-store" %}
from stable_harness.testing.contracts import RunStoreContract


class TestContract(RunStoreContract):
    store = "{{ cookiecutter.plugin_name }}"
    config = {"path": "runs.db"}
{% elif cookiecutter.slot == "policy" %}
from stable_harness.testing.contracts import PolicyContract


class TestContract(PolicyContract):
    policy = "{{ cookiecutter.plugin_name }}"
    config = {"maxLength": 10}
    allowed = ("contract_target", {"path": "short"})
    objected = ("contract_target", {"path": "much-too-long-for-this-policy"})
    bad_config = {"maxLength": 0}
{% elif cookiecutter.slot == "event-sink" %}
from pathlib import Path

import pytest
from stable_harness.testing.contracts import EventSinkContract


class TestContract(EventSinkContract):
    sink = "{{ cookiecutter.plugin_name }}"
    config = {"path": "out/events.tsv"}
    bad_config = {"path": ""}

    def projected(self, base: Path, captured: pytest.CaptureFixture[str]) -> list[str]:
        lines = (base / "out/events.tsv").read_text().splitlines()
        return [line.split("\t")[1] for line in lines]
{% elif cookiecutter.slot == "surface" %}
import asyncio
import json
from urllib.parse import urlsplit

from stable_harness.testing.contracts import SurfaceContract


class TestContract(SurfaceContract):
    surface = "{{ cookiecutter.plugin_name }}"

    async def submit(self, url: str, token: str | None, agent: str, input: str) -> str:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.write(json.dumps({"agent": agent, "input": input, "token": token}).encode()
                     + b"\n")
        await writer.drain()
        answer = json.loads(await reader.readline())
        writer.close()
        if answer.get("error", {}).get("code") == "unauthorized":
            raise PermissionError(answer["error"]["message"])
        assert "error" not in answer, answer
        return str(answer["runId"])
{% endif -%}
