#!/usr/bin/env bash
# `make bench [SCALE=N]`: run every benchmark and write benchmarks/results/latest.json + docs/performance.md.
# Usage: tools/run_bench.sh [--scale N|100k|1M|demo] [--only NAME ...] [--timeout S]
# Without NEO4J_URI, run_all starts a throw-away Neo4j on .chainkg/bench (port 7689) and stops it after.
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
if [ -n "${SCALE:-}" ] && [[ " ${args[*]-} " != *" --scale "* ]]; then
  args=(--scale "$SCALE" "${args[@]}")
fi
exec .venv/bin/python benchmarks/run_all.py "${args[@]}"
