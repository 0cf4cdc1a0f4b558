#!/usr/bin/env bash
# Builds the test programs that need no LibTorch (test_common, test_tb, test_power, test_model) with
# AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/ and runs them (not the
# [.slow] cases); exits 1 on a failed test or any sanitizer report. Only the 4x4 and 8x8 arrays
# are verilated (POWERSEL_SANITIZE_SIZES overrides) to keep the build short; tests of other
# sizes say they are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
sizes=${POWERSEL_SANITIZE_SIZES:-4;8}
targets=(test_common test_tb test_power test_model)
# -fno-sanitize-recover: undefined behaviour stops the test instead of printing and going on;
# alignment stays recoverable only so that scripts/sanitize_ubsan.supp can exempt Verilator's
# FST writer (halt_on_error still stops on any other misaligned access).
# -O1 -g1: quick to compile and still fast to run; line tables for the reports. A build type of
# its own so that Release's -O3 stays out (the Verilated models keep their own -O levels).
flags="-O1 -g1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
flags+=" -fsanitize-recover=alignment"

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Sanitize "-DPOWERSEL_ARRAY_SIZES=$sizes" \
  "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
# Verilator regenerates its file lists during the first pass; a second pass picks them up.
# GCC's -Wmaybe-uninitialized misfires under the sanitizers (std::regex): the log keeps them.
if ! cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >"$build/build.log" 2>&1 &&
  ! cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >>"$build/build.log" 2>&1; then
  grep -E 'error|Error' "$build/build.log" | tail -n 20
  echo "sanitize: the build failed; see $build/build.log"
  exit 1
fi

export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/scripts/sanitize_ubsan.supp"
status=0
for target in "${targets[@]}"; do
  log="$build/$target.log"
  # Without arguments Catch2 leaves the hidden ([.slow]) cases out.
  if "$build/tests/$target" --reporter compact >"$log" 2>&1; then
    result=passed
  else
    result=FAILED
    status=1
  fi
  # A report in a thread or a child process need not fail the test program: look for any.
  if grep -qE 'runtime error:|ERROR: (Address|Leak)Sanitizer' "$log"; then
    result="$result, SANITIZER REPORT"
    status=1
  fi
  printf '%-12s %s (%s)\n' "$target" "$result" "$(grep -E '^(Passed|Failed|All|test cases)' "$log" | tail -n 1)"
  if [ "$result" != passed ]; then
    grep -m 5 -E 'runtime error:|Sanitizer|FAILED|failed' "$log" || true
  fi
done
exit "$status"
