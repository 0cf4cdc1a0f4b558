// `powersel run`: the whole loop from one YAML configuration into one run directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "powersel/flow/network_check.hpp"
#include "powersel/power/characterize.hpp"
#include "powersel/power/liberty.hpp"
#include "powersel/power/measurement.hpp"
#include "powersel/qat/train.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::flow {

struct RtlRegressStep {
  int random_tiles = 1000;
  int conv_tiles = 100;
  // Further square array sizes regressed besides the main array.
  std::vector<int> extra_sizes = {8};
};

struct CharacterizeStep {
  std::filesystem::path liberty = power::kDefaultLiberty;
  int cycles = 2000;
  power::Measurement measurement = power::Measurement::kTimed;
};

// The trained network's GEMMs on the Verilated array (the run's array size) against the
// software engine, for the first `images` test images; 0 turns the check off.
struct RtlCheckStep {
  int images = 4;
};

// The energy model against gate-level replay (powersel correlate) of the trained network and
// its weight-changed variants, on an array of its own (small, so that timed replay of every
// tile fits the run); 0 images turns it off.
struct CorrelateStep {
  int images = 1;
  tb::ArrayShape array{16, 16};
  power::Measurement measurement = power::Measurement::kTimed;
  int cycles_per_class = 100;
};

// Energy-aware weight selection and the baseline (powersel compress) from the trained
// network; `enabled: false` turns it off. Short fine-tuning, so that the run stays within
// minutes; the README gives a longer one.
struct CompressStep {
  bool enabled = true;
  int set_size = 16;
  int sensitivity_images = 0;
  std::vector<double> lambdas = {1500, 2000, 2500};
  std::vector<int> pools = {28, 32, 64};
  // Validation budget: test drops ran up to 0.6 points past the validation drop in the
  // measured sweeps, so 1.5 keeps the test drop within 2 points.
  double max_accuracy_drop = 0.015;
  int epochs = 4;
  double learning_rate = 5e-4;
  int fine_tune_images = 20'000;
  tb::ArrayShape array{16, 16};
  power::Measurement measurement = power::Measurement::kTimed;
};

// The trained, baseline and our networks on the RTL (powersel replay), after compress: top-1
// from the RTL over `top1_images` test images (0: the whole split), every tile of `images`
// test images measured at the gate level; 0 images turns it off.
struct ReplayStep {
  int images = 1;
  int top1_images = 0;
  tb::ArrayShape array{16, 16};
  power::Measurement measurement = power::Measurement::kTimed;
};

// The low-power PE's ablation (powersel codesign) after replay; off by default: it maps,
// characterises and measures four PEs (about two minutes).
struct CodesignStep {
  bool enabled = false;
  int images = 1;
  int cycles = 500;
};

struct RunSpec {
  std::uint64_t seed = 1;
  int threads = 1;
  tb::ArrayShape array{64, 64};  // the accelerator every step targets
  // The PE every gate-level step maps and measures: plain or with low-power features.
  power::PeFeatures pe;
  RtlRegressStep rtl_regress;
  CharacterizeStep characterize;
  qat::TrainSpec train;
  RtlCheckStep rtl_check;
  CorrelateStep correlate;
  CompressStep compress;
  ReplayStep replay;
  CodesignStep codesign;
};

// The embedded default, used when no configuration file is given.
RunSpec DefaultRunSpec();
// Reads a configuration; unknown keys, wrong types and out-of-range values are InputErrors.
RunSpec LoadRunSpec(const std::filesystem::path& file);
// The same from text in memory (tests, fuzzing); `origin` names it in errors.
RunSpec ParseRunSpec(const std::string& text, const std::string& origin);
// Command-line --seed and --threads: they replace the file's everywhere in the run.
void OverrideSeed(RunSpec& spec, std::uint64_t seed);
void OverrideThreads(RunSpec& spec, int threads);
// The configuration as YAML, as stored beside the results.
std::string DumpRunSpec(const RunSpec& spec);
// The same, section by section ("run" holds seed, threads and array): what each step's key
// hashes.
std::vector<std::pair<std::string, std::string>> DumpRunSections(const RunSpec& spec);

struct RunOutcome {
  bool passed = true;
  std::vector<std::string> failures;
};

// report.md and report.html of a characterisation on its own (powersel characterize).
void WriteCharacterizationReport(const std::filesystem::path& dir,
                                 const power::CharacterizeResult& result);

// Runs every step, writing into `out`; the configuration is stored there first. Every input
// (array sizes, liberty, images, dataset) is read before anything is written.
RunOutcome RunPipeline(const RunSpec& spec, const std::filesystem::path& out);

struct TrainStep {
  qat::TrainResult training;
  std::optional<NetworkRtlCheck> rtl_check;  // when the configuration asks for it

  bool passed() const { return training.complete && (!rtl_check || rtl_check->passed()); }
};

// Trains the configured network into `out` (resuming an interrupted run there), checks it on
// the RTL when the configuration asks, and writes train.json once training is complete.
TrainStep TrainAndCheck(const RunSpec& spec, const std::filesystem::path& out);

}  // namespace powersel::flow
