#!/usr/bin/env bash
# make_fixtures.sh DIR: writes the small bad-input files the CLI tests feed to powersel.
set -euo pipefail
dir=$1
mkdir -p "$dir"
# Two 32 x 32 images in an (uncompressed) IDX file: valid IDX, but not the 28 x 28 the
# regression's convolution takes.
{
  printf '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x20\x00\x00\x00\x20'
  head -c 2048 /dev/zero | tr '\0' '\200'
} >"$dir/images_32x32.idx"
# A mapping used as a key, at the top level and inside a section.
printf '? {seed: 1}\n: 2\n' >"$dir/key_mapping.yaml"
printf 'train:\n  ? [float_epochs, 2]\n  : 3\n' >"$dir/section_key_list.yaml"
# A run whose training stops early (max_epochs_this_run): the run must fail, not pass.
cat >"$dir/unfinished_run.yaml" <<'YAML'
array: {rows: 4, cols: 4}
rtl_regress: {random_tiles: 4, conv_tiles: 0, extra_sizes: [4]}
characterize: {cycles: 300, measurement: zero-delay}
rtl_check: {images: 1}
train:
  train_limit: 300
  validation_size: 100
  test_limit: 100
  float_epochs: 1
  qat_epochs: 1
  max_epochs_this_run: 1
YAML
# A whole run in seconds: every step, the model's correlation included.
cat >"$dir/small_run.yaml" <<'YAML'
array: {rows: 4, cols: 4}
rtl_regress: {random_tiles: 4, conv_tiles: 0, extra_sizes: [4]}
characterize: {cycles: 300, measurement: zero-delay}
rtl_check: {images: 1}
correlate: {images: 1, rows: 8, cols: 8, measurement: zero-delay, cycles_per_class: 40}
compress: {lambdas: [1000], pools: [32], epochs: 1, fine_tune_images: 200, rows: 8, cols: 8,
           measurement: zero-delay}
replay: {images: 1, rows: 4, cols: 4, measurement: zero-delay}
codesign: {enabled: true, cycles: 64}
train:
  train_limit: 300
  validation_size: 100
  test_limit: 100
  float_epochs: 1
  qat_epochs: 1
YAML
# The same run on the low-power PE (all five features): its gate-level steps on the 4x4
# low-power array, the only small size it is built in, and no co-design.
{
  echo "pe: low-power"
  sed -e 's/rows: 8, cols: 8/rows: 4, cols: 4/' -e '/^codesign:/d' "$dir/small_run.yaml"
} >"$dir/low_power_run.yaml"
