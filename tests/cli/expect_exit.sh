#!/usr/bin/env bash
# Runs a command and passes if it exits with the expected status and, for bad input (2),
# says so in a single line on stderr.
set -u
expected=$1
shift
stderr_file=$(mktemp)
trap 'rm -f "$stderr_file"' EXIT
"$@" 2>"$stderr_file" >/dev/null
status=$?
if [ "$status" -ne "$expected" ]; then
  echo "expected exit status $expected, got $status from: $*"
  cat "$stderr_file"
  exit 1
fi
if [ "$expected" -eq 2 ]; then
  lines=$(grep -c . "$stderr_file")
  if [ "$lines" -ne 1 ] || ! grep -q '^powersel: ' "$stderr_file"; then
    echo "expected one 'powersel: ...' line on stderr, got:"
    cat "$stderr_file"
    exit 1
  fi
fi
exit 0
