"""stable-harness backend adapter for DeepAgents (``create_deep_agent``).

Subagents, skills, memory files, ``interrupt_on`` and the file-system backend are passed
through to DeepAgents; planning (``write_todos``), delegation (``task``) and file writes are
observed and projected as ``harness.plan.updated``, ``harness.delegation.*`` and
``harness.file.changed`` events. Checkpoints, approvals, streaming and the tool path are
shared with the ``langgraph`` backend.
"""
