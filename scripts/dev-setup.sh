#!/usr/bin/env bash
# Development environment: every package of the repository installed editable in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet "uv>=0.5"
fi
uv sync --all-packages --locked --quiet
# Third-party MCP servers from npm that the MCP plugin's tests connect to (CI has Node).
node_servers=plugins/mcp/tests/node
if command -v npm >/dev/null 2>&1 && \
   ! cmp -s "$node_servers/package-lock.json" "$node_servers/node_modules/.installed-lock"; then
  npm ci --prefix "$node_servers" --no-audit --no-fund --silent
  cp "$node_servers/package-lock.json" "$node_servers/node_modules/.installed-lock"
fi
echo "development environment ready: .venv"
