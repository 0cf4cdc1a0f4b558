#!/usr/bin/env bash
# expect_exit.sh STATUS [--no-output DIR] [--mentions TEXT] [--] COMMAND...
# Runs COMMAND (at most 5 minutes: a hang is a failure) and passes if it exits with STATUS
# and, for bad input (2), says so in a single 'powersel: ' line on stderr.
#   --no-output DIR  DIR is removed first and must not exist afterwards (refused before
#                    anything was created)
#   --mentions TEXT  the error line names TEXT (the file or the flag at fault)
#   --fresh DIR      DIR is removed first (a run directory from an earlier test run)
#   --file-has FILE TEXT  afterwards FILE exists and contains TEXT (e.g. a report); may repeat
#   --stdout-has TEXT     the command's standard output contains TEXT
set -u
expected=$1
shift
absent=""
mentions=""
has_files=()
has_texts=()
stdout_text=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-output) absent=$2; shift 2 ;;
    --fresh) rm -rf "$2"; shift 2 ;;
    --mentions) mentions=$2; shift 2 ;;
    --file-has) has_files+=("$2"); has_texts+=("$3"); shift 3 ;;
    --stdout-has) stdout_text=$2; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
if [ -n "$absent" ]; then
  rm -rf "$absent"
fi
stderr_file=$(mktemp)
stdout_file=$(mktemp)
trap 'rm -f "$stderr_file" "$stdout_file"' EXIT
timeout 300 "$@" 2>"$stderr_file" >"$stdout_file"
status=$?
if [ -n "$stdout_text" ] && ! grep -qF -- "$stdout_text" "$stdout_file"; then
  echo "expected the output to contain '$stdout_text', got:"
  tail -n 20 "$stdout_file"
  exit 1
fi
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
if [ -n "$mentions" ] && ! grep -qF -- "$mentions" "$stderr_file"; then
  echo "expected the message to name '$mentions', got:"
  cat "$stderr_file"
  exit 1
fi
if [ -n "$absent" ] && [ -e "$absent" ]; then
  echo "the refused command left $absent behind"
  exit 1
fi
for i in "${!has_files[@]}"; do
  if ! grep -qF -- "${has_texts[$i]}" "${has_files[$i]}" 2>/dev/null; then
    echo "expected ${has_files[$i]} to contain '${has_texts[$i]}'"
    exit 1
  fi
done
exit 0
