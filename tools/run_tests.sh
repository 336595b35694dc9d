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
# Two pytest processes at once (tests/conftest.py marks the tests that use no fixture of the shared
# server `no_shared_server`): the main one runs every shared-server test one at a time, as always; the
# second runs the rest — pure units and the tests that start a throw-away server of their own, which
# mostly wait on JVM starts and CLI subprocesses. PYTEST_SPLIT=0 runs one process.
if [ "${PYTEST_SPLIT:-1}" = 0 ]; then
  $BIN/pytest "$@"
  exit $?
fi
side_log="$CHAINKG_HOME/pytest-side.log"
mkdir -p "$CHAINKG_HOME"
$BIN/pytest -m no_shared_server -p no:cacheprovider "$@" >"$side_log" 2>&1 &
side=$!
$BIN/pytest -m "not no_shared_server" "$@"
main_rc=$?
wait $side
side_rc=$?
echo
echo "=== second process: tests without the shared server (-m no_shared_server) ==="
cat "$side_log"
# pytest exit 5 = nothing selected (e.g. a file of shared-server tests only): not a failure here
[ $main_rc = 5 ] && main_rc=0
[ $side_rc = 5 ] && side_rc=0
[ $main_rc = 0 ] && [ $side_rc = 0 ]
