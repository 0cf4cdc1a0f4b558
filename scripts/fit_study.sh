#!/usr/bin/env bash
# fit_study.sh RUN_DIR [MEASUREMENT]: the energy model's grouping against the gate level.
# Runs `powersel correlate` on RUN_DIR's trained network (and its five variants) once per
# grouping below, each into its own folder under RUN_DIR/fit_study/, and prints the
# layer-aware model's fit over tiles per grouping: the numbers the defaults were chosen by.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:?usage: scripts/fit_study.sh RUN_DIR [timed|zero-delay]}
measurement=${2:-zero-delay}
# name | flags: the default, then one change at a time.
groupings=(
  "default|"
  "msb4|--msb-bits 4 --psum-edges 1 2 3"
  "msb12|--msb-bits 12 --psum-edges 1 4 8 --psum-low-edges 3 6"
  "psum-coarse|--psum-edges 4"
  "no-low-bins|--psum-low-edges 14"
  "low-fine|--psum-low-edges 2 4 6 8 11"
  "act-coarse|--activation-edges 5"
  "act-fine|--activation-edges 2 3 4 5 6 7"
)
mkdir -p "$run/fit_study"
printf '%-12s %8s %10s %8s %10s %8s %10s\n' grouping pe_r pe_err dp_r dp_err array_r array_err
for entry in "${groupings[@]}"; do
  name=${entry%%|*}
  flags=${entry#*|}
  out="$run/fit_study/$name"
  # shellcheck disable=SC2086
  build/powersel correlate --run "$run" --out "$out" --measurement "$measurement" $flags \
    >"$out.log" 2>&1 || { mkdir -p "$out"; echo "$name failed: $out.log"; continue; }
  python3 - "$out/correlate.json" "$name" <<'PY'
import json, sys
fit = json.load(open(sys.argv[1]))["layer_aware"]
row = [sys.argv[2]]
for scope in ("pe", "datapath", "array"):
    row += ["%.4f" % fit[scope]["pearson_r"], "%.2f %%" % (100 * fit[scope]["mean_rel_err"])]
print("%-12s %8s %10s %8s %10s %8s %10s" % tuple(row))
PY
done
