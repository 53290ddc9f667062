"""The backend adapter contract suite, on the built-in ``python`` backend."""

from __future__ import annotations

from stable_harness.testing.contracts import BackendContract

AGENTS = """
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-plain}
spec: {backend: python, entrypoint: "contract_agents:plain", tools: [contract_echo]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-approval}
spec: {backend: python, entrypoint: "contract_agents:approval", tools: [contract_echo]}
---
apiVersion: stable-harness.dev/v1
kind: Agent
metadata: {name: contract-slow}
spec: {backend: python, entrypoint: "contract_agents:slow", tools: [contract_slow]}
"""

CODE = """
async def plain(ctx):
    echoed = await ctx.call_tool("contract_echo", {"value": ctx.input})
    await ctx.output("echo: " + echoed)


async def approval(ctx):
    decision = await ctx.request_approval({"tool": "contract_echo"}, "contract")
    if not decision.approved:
        await ctx.output("rejected")
        return None
    return await plain(ctx)


async def slow(ctx):
    return await ctx.call_tool("contract_slow", {"seconds": 60})
"""


class TestPythonBackendContract(BackendContract):
    backend = "python"

    def agent_documents(self) -> str:
        return AGENTS

    def extra_files(self) -> dict[str, str]:
        return {"contract_agents.py": CODE}
