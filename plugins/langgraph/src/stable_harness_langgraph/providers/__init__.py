"""LangChain model providers: each module is one plugin (entry-point name = provider name)."""
