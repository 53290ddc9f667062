#!/usr/bin/env bash
# Development environment: every package of the repository installed editable in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet "uv>=0.5"
fi
uv sync --all-packages --locked --quiet
# npm packages the tests run with Node (CI has Node): third-party MCP servers the MCP
# plugin connects to, and the LangGraph JavaScript SDK the LangGraph API is tested with.
for node_dir in plugins/mcp/tests/node plugins/langgraph-api/tests/node; do
  if command -v npm >/dev/null 2>&1 && \
     ! cmp -s "$node_dir/package-lock.json" "$node_dir/node_modules/.installed-lock"; then
    npm ci --prefix "$node_dir" --no-audit --no-fund --silent
    cp "$node_dir/package-lock.json" "$node_dir/node_modules/.installed-lock"
  fi
done
echo "development environment ready: .venv"
