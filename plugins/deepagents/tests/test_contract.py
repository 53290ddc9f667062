"""The core's backend adapter contract, on the ``deepagents`` backend."""

from __future__ import annotations

from stable_harness.testing.backend_contract import BackendContract

DOCS = """
apiVersion: stable-harness.dev/v1
kind: Model
metadata: {name: echo-script}
spec:
  provider: scripted
  config:
    turns:
      - toolCalls: [{name: contract_echo, args: {value: "{{ input }}"}}]
      - text: "echo: {{ last_tool_result }}"
---
apiVersion: stable-harness.dev/v1
kind: Model
metadata: {name: slow-script}
spec:
  provider: scripted
  config:
    turns:
      - toolCalls: [{name: contract_slow, args: {seconds: 60}}]
      - text: done
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-plain}
spec: {backend: deepagents, model: echo-script, tools: [contract_echo]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-approval}
spec:
  backend: deepagents
  model: echo-script
  tools: [contract_echo]
  options: {interruptOn: {contract_echo: true}}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-slow}
spec: {backend: deepagents, model: slow-script, tools: [contract_slow]}
"""


class TestDeepAgentsContract(BackendContract):
    backend = "deepagents"

    def agent_documents(self) -> str:
        return DOCS
