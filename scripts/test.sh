#!/usr/bin/env bash
# `make test`: every test, serial, line-buffered, under a watchdog. A run that outlives
# TEST_TIMEOUT seconds (default 30 min; a full run takes ~10) prints the process tree and
# every thread's stack of the test process (gdb), is killed, and fails: a hang shows
# where it hung instead of eating CI's time.
set -uo pipefail
limit=${TEST_TIMEOUT:-1800}
tests="$PWD/.build/.*PackageTests.xctest"  # this checkout's test process, not another's
stdbuf -oL -eL "${SWIFT:-swift}" test --skip-build --no-parallel "$@" &
runner=$!
( sleep "$limit"
  echo "test run still going after ${limit} s: process tree and stacks follow" >&2
  ps -eo pid,ppid,etimes,stat,args --forest >&2
  for pid in $(pgrep -f "$tests"); do
    command -v gdb >/dev/null && gdb -p "$pid" -batch -ex 'thread apply all bt' >&2 2>&1
  done
  pkill -KILL -f "$tests"
  kill -KILL "$runner" 2>/dev/null ) &
watchdog=$!
wait "$runner"
status=$?
kill "$watchdog" 2>/dev/null
pkill -P "$watchdog" sleep 2>/dev/null
exit "$status"
