#!/usr/bin/env bash
# Development environment: every package of the repository installed editable in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet "uv>=0.5"
fi
uv sync --all-packages --locked --quiet
echo "development environment ready: .venv"
