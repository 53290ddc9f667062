#!/usr/bin/env bash
# The whole test suite (slow tests included), in the development environment, on every core
# (pytest-xdist; PYTEST_WORKERS=1 runs it in one process, e.g. to debug).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/dev-setup.sh
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" "$@"
