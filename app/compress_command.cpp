// powersel compress: energy-aware weight selection from a trained run, and the baseline.
#include <fmt/format.h>

#include "command.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/flow/compress.hpp"
#include "powersel/tb/harness.hpp"

namespace powersel::app {

namespace {

struct CompressOptions {
  CommonOptions common;
  std::filesystem::path run;
  std::filesystem::path out;  // empty: the run directory
  flow::CompressSpec spec;
  std::string measurement = power::MeasurementName(power::Measurement::kTimed);
  std::string pe = "plain";
};

void PrintPoint(const flow::CompressResult& result, int index, const char* label) {
  if (index < 0) {
    fmt::print("  {:28} none within the accuracy budget\n", label);
    return;
  }
  const flow::CompressPoint& point = result.points[static_cast<std::size_t>(index)];
  const model::ScopedEnergy saved = result.Reduction(point.energy);
  fmt::print(
      "  {:28} {} {:g}: validation {:.2f} %, test {:.2f} %; saved datapath {:.1f} %, pe "
      "{:.1f} %, array {:.1f} %\n",
      label, point.method, point.knob, 100 * point.validation_top1, 100 * point.test_top1,
      100 * saved.datapath, 100 * saved.pe, 100 * saved.array);
}

int Run(CompressOptions options) {
  options.spec.seed = options.common.seed;
  options.spec.fine_tune.seed = options.common.seed;
  options.spec.fine_tune.threads = options.common.threads;
  options.spec.table.threads = options.common.threads;
  options.spec.table.measurement = power::MeasurementsByName().at(options.measurement);
  options.spec.table.pe = PeFeaturesNamed(options.pe);
  if (options.spec.energy_weights.empty() && options.spec.baseline_pools.empty()) {
    throw InputError("", "--lambdas", "expected at least one lambda or baseline pool");
  }
  for (const double lambda : options.spec.energy_weights) {
    if (!(lambda >= 0)) {
      throw InputError("", "--lambdas", fmt::format("expected values >= 0, got {}", lambda));
    }
  }
  const flow::RunSpec run = RunSpecOfDir(options.run);
  tb::CheckHarnessOptions({.shape = options.spec.array});
  const std::filesystem::path out = options.out.empty() ? options.run : options.out;
  const flow::CompressResult result = flow::Compress(options.spec, run.train, options.run, out);
  flow::WriteCompression(out, result);

  const model::ScopedEnergy bound = result.Reduction(result.all_zero_energy);
  fmt::print(
      "compress ({}, model, {}x{}): trained validation {:.2f} %, test {:.2f} %; bound (all "
      "weights 0) datapath {:.1f} %, pe {:.1f} %\n",
      power::MeasurementName(result.measurement), result.array.rows, result.array.cols,
      100 * result.trained_validation_top1, 100 * result.trained_test_top1, 100 * bound.datapath,
      100 * bound.pe);
  PrintPoint(result, result.chosen_ours, "ours (chosen)");
  PrintPoint(result, result.chosen_baseline, "baseline (chosen)");
  PrintPoint(result, result.baseline_at_equal_accuracy, "baseline at ours' accuracy");
  fmt::print("  {:.0f} s; wrote {}\n", result.seconds, (out / "compress.json").string());
  return 0;
}

}  // namespace

void AddCompressCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<CompressOptions>();
  CLI::App* command = app.add_subcommand(
      "compress", "Energy-aware weight selection from a trained run, and the baseline");
  AddRunDirOptions(*command, options->common, options->run, options->out,
                   "A complete train run (network.qnet.json, checkpoint/)");
  flow::CompressSpec& spec = options->spec;
  command->add_option("--set-size", spec.set_size, "Allowed weight values per layer, 0 included")
      ->check(CLI::Range(2, 256))
      ->capture_default_str();
  command->add_option("--lambdas", spec.energy_weights, "Ours: the energy weights swept")
      ->capture_default_str();
  command->add_option("--pools", spec.baseline_pools, "Baseline: the cheapest-code pools swept")
      ->check(CLI::Range(2, 256))
      ->capture_default_str();
  command
      ->add_option("--max-drop", spec.max_accuracy_drop,
                   "Validation top-1 budget below the trained network (fraction)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command
      ->add_option("--sensitivity-images", spec.sensitivity_images,
                   "Ours: training images that weigh each weight's movement (0: off)")
      ->check(CLI::Range(0, 60000))
      ->capture_default_str();
  command->add_option("--epochs", spec.fine_tune.epochs, "Fine-tuning epochs per network")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  command->add_option("--learning-rate", spec.fine_tune.learning_rate, "Fine-tuning step (Adam)")
      ->check(CLI::Range(1e-7, 1.0))
      ->capture_default_str();
  command
      ->add_option("--fine-tune-images", spec.fine_tune_images,
                   "Training images per fine-tuning epoch (0: all)")
      ->capture_default_str();
  command->add_option("--rows", spec.array.rows, "Array rows of the estimate")
      ->check(CLI::Range(1, kMaxArraySide))
      ->capture_default_str();
  command->add_option("--cols", spec.array.cols, "Array columns of the estimate")
      ->check(CLI::Range(1, kMaxArraySide))
      ->capture_default_str();
  command->add_option("--measurement", options->measurement, "timed or zero-delay MAC table")
      ->check(CLI::IsMember({"timed", "zero-delay"}))
      ->capture_default_str();
  AddPeOption(*command, options->pe);
  command->callback([options, &exit_status] { exit_status = Run(*options); });
}

}  // namespace powersel::app
