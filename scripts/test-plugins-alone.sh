#!/usr/bin/env bash
# Each first-party plugin, installed with the core and its own declared dependencies only (no
# other package of this repo except the plugins it depends on), passes its own tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.5"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# plugin folder, then the repo packages it is installed with (its declared dependencies)
check() {
  local plugin="$1"; shift
  local venv="$tmp/$plugin"
  echo "-- $plugin (with: core $*)"
  uv venv --quiet "$venv"
  local paths=(./core)
  for dep in "$@"; do paths+=("./plugins/$dep"); done
  VIRTUAL_ENV="$venv" uv pip install --quiet "${paths[@]}" "./plugins/$plugin[test]"
  local expected=("stable-harness-core" "stable-harness-$plugin")
  for dep in "$@"; do expected+=("stable-harness-$dep"); done
  local found
  found=$(VIRTUAL_ENV="$venv" uv pip list --format=freeze | grep -i '^stable-harness' | cut -d= -f1 | sort)
  local want
  want=$(printf '%s\n' "${expected[@]}" | sort)
  if [ "$found" != "$want" ]; then echo "unexpected packages: $found" >&2; exit 1; fi
  (cd "plugins/$plugin" && "$venv/bin/python" -m pytest tests -p no:cacheprovider -q)
}

check langgraph
check deepagents langgraph
check http
check mcp
check langgraph-api http langgraph deepagents  # test extras: the backends it serves
