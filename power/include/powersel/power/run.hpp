// `powersel run`: the whole loop from one YAML configuration into one run directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "powersel/power/liberty.hpp"
#include "powersel/qat/train.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::power {

struct RtlRegressStep {
  int random_tiles = 1000;
  int conv_tiles = 100;
  // Further square array sizes regressed besides the main array.
  std::vector<int> extra_sizes = {8};
};

struct CharacterizeStep {
  std::filesystem::path liberty = kOsu018Liberty;
  int cycles = 2000;
};

struct RunSpec {
  std::uint64_t seed = 1;
  int threads = 1;
  tb::ArrayShape array{64, 64};  // the accelerator every step targets
  RtlRegressStep rtl_regress;
  CharacterizeStep characterize;
  qat::TrainSpec train;
};

// The embedded default, used when no configuration file is given.
RunSpec DefaultRunSpec();
// Reads a configuration; unknown keys, wrong types and out-of-range values are InputErrors.
RunSpec LoadRunSpec(const std::filesystem::path& file);
// Command-line --seed and --threads: they replace the file's everywhere in the run.
void OverrideSeed(RunSpec& spec, std::uint64_t seed);
void OverrideThreads(RunSpec& spec, int threads);
// The configuration as YAML, as stored beside the results.
std::string DumpRunSpec(const RunSpec& spec);

struct RunOutcome {
  bool passed = true;
  std::vector<std::string> failures;
};

// Runs every step, writing into `out`; the configuration is stored there first.
RunOutcome RunPipeline(const RunSpec& spec, const std::filesystem::path& out);

}  // namespace powersel::power
