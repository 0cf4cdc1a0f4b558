#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang into build-fuzz/ and runs each for
# SECONDS (default 60), starting from its seed corpus tests/fuzz/corpus/<target>/. Prints per
# target the executions run and whether it crashed; exits 1 if any did. Crashing inputs are kept
# in build-fuzz/artifacts/<target>/, logs in build-fuzz/logs/, grown corpora in
# build-fuzz/corpus/ (the seeds in the tree are never written to).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=build-fuzz

cmake -S . -B "$build" -DPOWERSEL_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null

status=0
for source in tests/fuzz/fuzz_*.cpp; do
  target=$(basename "$source" .cpp)
  name=${target#fuzz_}
  mkdir -p "$build/corpus/$name" "$build/artifacts/$name" "$build/logs"
  log="$build/logs/$name.log"
  # -timeout: an input that takes 10 s is a hang worth reporting, not a slow run.
  options=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1
    -artifact_prefix="$build/artifacts/$name/")
  # A dictionary of the format's keywords, where there is one, speeds up text formats.
  if [ -f "tests/fuzz/$name.dict" ]; then
    options+=(-dict="tests/fuzz/$name.dict")
  fi
  # New inputs go to the first folder; the seeds in the tree are only read.
  corpora=("$build/corpus/$name")
  if [ -d "tests/fuzz/corpus/$name" ]; then
    corpora+=("tests/fuzz/corpus/$name")
  fi
  if "$build/tests/fuzz/$target" "${options[@]}" "${corpora[@]}" >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH: $(grep -m1 -E '^SUMMARY|ERROR: |fuzz: property' "$log" || echo "see $log")"
    result+=" (input: $(ls -t "$build/artifacts/$name" | head -n 1))"
    status=1
  fi
  executions=$(grep -oE 'number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  printf '%-12s %12s executions  %s\n' "$name" "$executions" "$result"
done
exit "$status"
