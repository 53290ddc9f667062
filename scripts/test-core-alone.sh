#!/usr/bin/env bash
# stable-harness-core installed alone (no other package of this repo) passes its own tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.5"
venv="$(mktemp -d)/core-alone"
trap 'rm -rf "$(dirname "$venv")"' EXIT
uv venv --quiet "$venv"
VIRTUAL_ENV="$venv" uv pip install --quiet "./core[test]"
others=$(VIRTUAL_ENV="$venv" uv pip list --format=freeze | grep -i '^stable-harness' | grep -vi '^stable-harness-core==' || true)
if [ -n "$others" ]; then echo "unexpected packages: $others" >&2; exit 1; fi
cd core && exec "$venv/bin/python" -m pytest tests -p no:cacheprovider -q
