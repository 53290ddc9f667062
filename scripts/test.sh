#!/usr/bin/env bash
# The whole test suite (slow tests included), in the development environment.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/dev-setup.sh
exec .venv/bin/python -m pytest "$@"
