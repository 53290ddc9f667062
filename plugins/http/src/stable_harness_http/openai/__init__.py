"""The OpenAI-compatible API: a protocol adapter over the runtime request, never a model
provider and never a router."""
