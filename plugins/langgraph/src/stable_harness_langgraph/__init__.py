"""stable-harness backend adapter for LangGraph and LangChain agents.

Backend ``langgraph``: an agent built with LangChain's ``create_agent`` from the workspace's
model, tools and system prompt, a user graph named by import path (``spec.graph``), or an
overlay of ``spec.edges`` over the agent's inventory. Checkpoints are LangGraph's own saver;
interrupts become runtime approvals; tool calls go through the runtime's tool path.
Also registers the LangChain model providers ``openai``, ``anthropic``, ``ollama`` and
``openai-compatible``.
"""
