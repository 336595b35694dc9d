#!/usr/bin/env bash
# Start the test Neo4j (unless NEO4J_URI points elsewhere), run the whole suite, stop what we started.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export CHAINKG_HOME="${TEST_HOME:-$PWD/.chainkg/test}"
export CHAINKG_NEO4J_PORT="${TEST_PORT:-7688}"
started=0
if [ -z "${NEO4J_URI:-}" ]; then
  if ! $BIN/chainkg server status --json | grep -q '"running": true'; then
    $BIN/chainkg server start || { echo "FATAL: the test Neo4j did not start" >&2; exit 3; }
    started=1
  fi
fi
cleanup() { if [ "$started" = 1 ]; then $BIN/chainkg server stop; fi; }
trap cleanup EXIT
$BIN/chainkg init
$BIN/pytest "$@"
