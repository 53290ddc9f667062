#!/usr/bin/env bash
# Every benchmark in benchmarks/, each writing its section of docs/benchmarks.md.
#   bash scripts/bench.sh            # the full figures (tens of minutes on a 2-core box)
#   bash scripts/bench.sh --quick    # a few minutes: fewer rounds, nothing written to the docs
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/dev-setup.sh
py=.venv/bin/python
if [[ "${1:-}" == "--quick" ]]; then
  set -x
  $py benchmarks/cold_start.py --rounds 3 --no-write
  $py benchmarks/runtime.py --quick --no-write
  $py benchmarks/langgraph_runtime.py --runs 30 --no-write
  $py benchmarks/sync_tools.py --rounds 1 --no-write
  $py benchmarks/http_serving.py --requests 100 --rounds 1 --no-write
  $py benchmarks/bfcl_gateway.py --pairs 50 --no-write
  $py benchmarks/mcp_gateway.py --calls 100 --rounds 1 --no-write
  $py benchmarks/memory_store.py --sizes 10000 --rounds 1 --no-write
else
  set -x
  $py benchmarks/cold_start.py
  $py benchmarks/runtime.py
  $py benchmarks/langgraph_runtime.py
  $py benchmarks/sync_tools.py
  $py benchmarks/http_serving.py
  $py benchmarks/bfcl_gateway.py
  $py benchmarks/mcp_gateway.py
  $py benchmarks/memory_store.py
fi
