"""MCP in both directions: MCP servers as tool sources, and the runtime as an MCP server.
Importing this package stays light; the ``mcp`` SDK loads when a connection or a server is
made."""
