"""The LangGraph server API over the stable-harness runtime (surface ``langgraph``)."""
