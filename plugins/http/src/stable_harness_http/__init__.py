"""stable-harness protocol surfaces over HTTP: the native runtime API and the
OpenAI-compatible API. Importing this package stays light; FastAPI loads when a surface is
built."""
