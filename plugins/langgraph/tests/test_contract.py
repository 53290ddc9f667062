"""The core's backend adapter contract, on the ``langgraph`` backend."""

from __future__ import annotations

from stable_harness.testing.backend_contract import BackendContract

MODELS = """
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
"""


class TestLangGraphContract(BackendContract):
    backend = "langgraph"

    def agent_documents(self) -> str:
        return MODELS + """
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-plain}
spec: {backend: langgraph, model: echo-script, tools: [contract_echo]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-approval}
spec:
  backend: langgraph
  model: echo-script
  tools: [contract_echo]
  options: {interruptOn: {contract_echo: true}}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-slow}
spec: {backend: langgraph, model: slow-script, tools: [contract_slow]}
"""
