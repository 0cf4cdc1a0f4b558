#include <fmt/format.h>

#include "powersel/common/config.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/flow/run.hpp"

namespace powersel::flow {

namespace {

constexpr std::int64_t kMaxArraySize = 64;  // the 22-bit partial sum covers 64 rows
constexpr std::int64_t kMaxTiles = 1'000'000;
constexpr std::int64_t kMaxCheckImages = 10'000;  // a whole test split

power::Measurement ReadMeasurement(const ConfigNode& section, power::Measurement fallback) {
  std::vector<std::string> names;
  for (const auto& [name, measurement] : power::MeasurementsByName()) {
    names.push_back(name);
  }
  return power::MeasurementsByName().at(
      section.Choice("measurement", power::MeasurementName(fallback), names));
}

RunSpec ReadRunSpec(const ConfigNode& root) {
  root.ExpectOnly({"seed", "threads", "pe", "array", "rtl_regress", "characterize", "train",
                   "rtl_check", "correlate", "compress", "replay", "codesign"});
  RunSpec spec;
  spec.seed = static_cast<std::uint64_t>(root.Int("seed", 1, 0, INT64_MAX));
  spec.threads = static_cast<int>(root.Int("threads", 1, 1, 1024));
  std::vector<std::string> pe_names;
  for (const auto& [name, features] : power::PeFeatureSets()) {
    pe_names.push_back(name);
  }
  const std::string pe = root.Choice("pe", "plain", pe_names);
  for (const auto& [name, features] : power::PeFeatureSets()) {
    if (name == pe) {
      spec.pe = features;
    }
  }

  const ConfigNode array = root.Section("array");
  array.ExpectOnly({"rows", "cols"});
  spec.array.rows = static_cast<int>(array.Int("rows", spec.array.rows, 1, kMaxArraySize));
  spec.array.cols = static_cast<int>(array.Int("cols", spec.array.cols, 1, 1024));

  const ConfigNode regress = root.Section("rtl_regress");
  regress.ExpectOnly({"random_tiles", "conv_tiles", "extra_sizes"});
  RtlRegressStep& step = spec.rtl_regress;
  step.random_tiles =
      static_cast<int>(regress.Int("random_tiles", step.random_tiles, 0, kMaxTiles));
  step.conv_tiles = static_cast<int>(regress.Int("conv_tiles", step.conv_tiles, 0, kMaxTiles));
  const std::vector<std::int64_t> default_sizes(step.extra_sizes.begin(), step.extra_sizes.end());
  const auto sizes = regress.IntList("extra_sizes", default_sizes, 1, kMaxArraySize);
  step.extra_sizes.assign(sizes.begin(), sizes.end());
  const ConfigNode characterize = root.Section("characterize");
  characterize.ExpectOnly({"liberty", "cycles", "measurement"});
  spec.characterize.liberty = characterize.String("liberty", spec.characterize.liberty.string());
  spec.characterize.cycles =
      static_cast<int>(characterize.Int("cycles", spec.characterize.cycles, 16, 10'000'000));
  spec.characterize.measurement = ReadMeasurement(characterize, spec.characterize.measurement);
  spec.train = qat::ReadTrainSpec(root.Section("train"));
  const ConfigNode rtl_check = root.Section("rtl_check");
  rtl_check.ExpectOnly({"images"});
  spec.rtl_check.images =
      static_cast<int>(rtl_check.Int("images", spec.rtl_check.images, 0, kMaxCheckImages));
  const ConfigNode correlate = root.Section("correlate");
  correlate.ExpectOnly({"images", "rows", "cols", "measurement", "cycles_per_class"});
  CorrelateStep& step_correlate = spec.correlate;
  step_correlate.images =
      static_cast<int>(correlate.Int("images", step_correlate.images, 0, kMaxCheckImages));
  step_correlate.array.rows =
      static_cast<int>(correlate.Int("rows", step_correlate.array.rows, 1, kMaxArraySize));
  step_correlate.array.cols =
      static_cast<int>(correlate.Int("cols", step_correlate.array.cols, 1, 1024));
  step_correlate.measurement = ReadMeasurement(correlate, step_correlate.measurement);
  step_correlate.cycles_per_class = static_cast<int>(
      correlate.Int("cycles_per_class", step_correlate.cycles_per_class, 16, 1'000'000));
  const ConfigNode compress = root.Section("compress");
  compress.ExpectOnly({"enabled", "set_size", "sensitivity_images", "lambdas", "pools",
                       "max_accuracy_drop", "epochs", "learning_rate", "fine_tune_images", "rows",
                       "cols", "measurement"});
  CompressStep& step_compress = spec.compress;
  step_compress.enabled = compress.Bool("enabled", step_compress.enabled);
  step_compress.set_size =
      static_cast<int>(compress.Int("set_size", step_compress.set_size, 2, 256));
  step_compress.sensitivity_images = static_cast<int>(
      compress.Int("sensitivity_images", step_compress.sensitivity_images, 0, 60'000));
  step_compress.lambdas = compress.DoubleList("lambdas", step_compress.lambdas, 0, 1e12);
  const std::vector<std::int64_t> default_pools(step_compress.pools.begin(),
                                                step_compress.pools.end());
  const auto pools = compress.IntList("pools", default_pools, 2, 256);
  step_compress.pools.assign(pools.begin(), pools.end());
  step_compress.max_accuracy_drop =
      compress.Double("max_accuracy_drop", step_compress.max_accuracy_drop, 0, 1);
  step_compress.epochs = static_cast<int>(compress.Int("epochs", step_compress.epochs, 0, 100));
  step_compress.learning_rate =
      compress.Double("learning_rate", step_compress.learning_rate, 1e-7, 1.0);
  step_compress.fine_tune_images = static_cast<int>(
      compress.Int("fine_tune_images", step_compress.fine_tune_images, 0, 10'000'000));
  step_compress.array.rows =
      static_cast<int>(compress.Int("rows", step_compress.array.rows, 1, kMaxArraySize));
  step_compress.array.cols =
      static_cast<int>(compress.Int("cols", step_compress.array.cols, 1, 1024));
  step_compress.measurement = ReadMeasurement(compress, step_compress.measurement);
  const ConfigNode replay = root.Section("replay");
  replay.ExpectOnly({"images", "top1_images", "rows", "cols", "measurement"});
  ReplayStep& step_replay = spec.replay;
  step_replay.images =
      static_cast<int>(replay.Int("images", step_replay.images, 0, kMaxCheckImages));
  step_replay.top1_images =
      static_cast<int>(replay.Int("top1_images", step_replay.top1_images, 0, kMaxCheckImages));
  step_replay.array.rows =
      static_cast<int>(replay.Int("rows", step_replay.array.rows, 1, kMaxArraySize));
  step_replay.array.cols = static_cast<int>(replay.Int("cols", step_replay.array.cols, 1, 1024));
  step_replay.measurement = ReadMeasurement(replay, step_replay.measurement);
  const ConfigNode codesign = root.Section("codesign");
  codesign.ExpectOnly({"enabled", "images", "cycles"});
  spec.codesign.enabled = codesign.Bool("enabled", spec.codesign.enabled);
  spec.codesign.images =
      static_cast<int>(codesign.Int("images", spec.codesign.images, 1, kMaxCheckImages));
  spec.codesign.cycles =
      static_cast<int>(codesign.Int("cycles", spec.codesign.cycles, 16, 10'000'000));
  // One seed and one thread count for the whole run unless the section sets its own.
  if (!root.Section("train").Has("seed")) {
    spec.train.seed = spec.seed;
    spec.train.data.seed = spec.seed;
  }
  if (!root.Section("train").Has("threads")) {
    spec.train.threads = spec.threads;
  }
  return spec;
}

}  // namespace

RunSpec DefaultRunSpec() {
  return RunSpec{};
}

void OverrideSeed(RunSpec& spec, std::uint64_t seed) {
  spec.seed = seed;
  spec.train.seed = seed;
  spec.train.data.seed = seed;
}

void OverrideThreads(RunSpec& spec, int threads) {
  spec.threads = threads;
  spec.train.threads = threads;
}

RunSpec LoadRunSpec(const std::filesystem::path& file) {
  return ReadRunSpec(ConfigNode::Load(file));
}

RunSpec ParseRunSpec(const std::string& text, const std::string& origin) {
  return ReadRunSpec(ConfigNode::Parse(text, origin));
}

std::vector<std::pair<std::string, std::string>> DumpRunSections(const RunSpec& spec) {
  return {
      {"run",
       fmt::format("seed: {}\nthreads: {}\npe: {}\narray:\n  rows: {}\n  cols: {}\n", spec.seed,
                   spec.threads, power::PeFeaturesName(spec.pe), spec.array.rows, spec.array.cols)},
      {"rtl_regress",
       fmt::format("rtl_regress:\n  random_tiles: {}\n  conv_tiles: {}\n  extra_sizes: [{}]\n",
                   spec.rtl_regress.random_tiles, spec.rtl_regress.conv_tiles,
                   fmt::join(spec.rtl_regress.extra_sizes, ", "))},
      {"characterize",
       fmt::format("characterize:\n  liberty: {}\n  cycles: {}\n  measurement: {}\n",
                   YamlQuoted(spec.characterize.liberty.string()), spec.characterize.cycles,
                   power::MeasurementName(spec.characterize.measurement))},
      {"rtl_check", fmt::format("rtl_check:\n  images: {}\n", spec.rtl_check.images)},
      {"correlate",
       fmt::format("correlate:\n  images: {}\n  rows: {}\n  cols: {}\n  measurement: {}\n"
                   "  cycles_per_class: {}\n",
                   spec.correlate.images, spec.correlate.array.rows, spec.correlate.array.cols,
                   power::MeasurementName(spec.correlate.measurement),
                   spec.correlate.cycles_per_class)},
      {"compress",
       fmt::format("compress:\n  enabled: {}\n  set_size: {}\n  sensitivity_images: {}\n"
                   "  lambdas: [{}]\n  pools: [{}]\n"
                   "  max_accuracy_drop: {}\n  epochs: {}\n  learning_rate: {}\n"
                   "  fine_tune_images: {}\n  rows: {}\n  cols: {}\n  measurement: {}\n",
                   spec.compress.enabled, spec.compress.set_size, spec.compress.sensitivity_images,
                   fmt::join(spec.compress.lambdas, ", "), fmt::join(spec.compress.pools, ", "),
                   spec.compress.max_accuracy_drop, spec.compress.epochs,
                   spec.compress.learning_rate, spec.compress.fine_tune_images,
                   spec.compress.array.rows, spec.compress.array.cols,
                   power::MeasurementName(spec.compress.measurement))},
      {"replay",
       fmt::format("replay:\n  images: {}\n  top1_images: {}\n  rows: {}\n  cols: {}\n"
                   "  measurement: {}\n",
                   spec.replay.images, spec.replay.top1_images, spec.replay.array.rows,
                   spec.replay.array.cols, power::MeasurementName(spec.replay.measurement))},
      {"codesign", fmt::format("codesign:\n  enabled: {}\n  images: {}\n  cycles: {}\n",
                               spec.codesign.enabled, spec.codesign.images, spec.codesign.cycles)},
      {"train", qat::DumpTrainSpec(spec.train)},
  };
}

std::string DumpRunSpec(const RunSpec& spec) {
  std::string text = "# powersel run configuration (as used for this run directory)\n";
  for (const auto& [name, section] : DumpRunSections(spec)) {
    text += section;
  }
  return text;
}

}  // namespace powersel::flow
