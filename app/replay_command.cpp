// powersel replay: the plain, baseline and our networks on the Verilated array, measured.
#include <fmt/format.h>

#include "command.hpp"
#include "powersel/flow/replay.hpp"
#include "powersel/qat/dataset.hpp"

namespace powersel::app {

namespace {

struct ReplayOptions {
  CommonOptions common;
  std::filesystem::path run;
  std::filesystem::path out;  // empty: the run directory
  flow::ReplaySpec spec;
  std::string measurement = power::MeasurementName(power::Measurement::kTimed);
  std::string pe = "plain";
};

void PrintScopes(const char* label, const model::ScopedEnergy& saved) {
  fmt::print("    {:22} datapath {:5.1f} %  pe {:5.1f} %  array {:5.1f} %\n", label,
             100 * saved.datapath, 100 * saved.pe, 100 * saved.array);
}

int Run(ReplayOptions options) {
  options.spec.seed = options.common.seed;
  options.spec.threads = options.common.threads;
  options.spec.table.threads = options.common.threads;
  options.spec.table.measurement = power::MeasurementsByName().at(options.measurement);
  options.spec.table.pe = PeFeaturesNamed(options.pe);
  const flow::RunSpec run = RunSpecOfDir(options.run);
  options.spec.table.liberty = run.characterize.liberty;
  const qat::ImageDataset test = qat::LoadDataset(run.train.data).test;
  const std::filesystem::path out = options.out.empty() ? options.run : options.out;
  const flow::ReplayResult result = flow::Replay(options.spec, options.run, test, out);
  flow::WriteReplay(out, result);

  fmt::print(
      "replay ({}x{} array, {}): top-1 on the RTL over {} test images, energy of {} image(s)\n",
      result.array.rows, result.array.cols, power::MeasurementName(result.measurement),
      result.networks.front().rtl.images, result.images);
  for (const flow::ReplayedNetwork& network : result.networks) {
    fmt::print("  {:9} RTL top-1 {:.2f} % (drop {:.2f} points), {} mismatches; pe {:.1f} nJ\n",
               network.name, 100 * network.rtl_top1, result.Top1Drop(network),
               network.rtl.mismatches, network.total.measured.pe / 1e6);
    if (&network != &result.networks.front()) {
      PrintScopes("saved, gate level",
                  result.Reduction(network.total, &flow::ReplayedEnergy::measured));
      PrintScopes("saved, RTL toggles",
                  result.Reduction(network.total, &flow::ReplayedEnergy::rtl_toggle));
      PrintScopes("saved, model",
                  result.Reduction(network.total, &flow::ReplayedEnergy::predicted));
    }
  }
  fmt::print("  floor (every weight 0), the most any weights can save:\n");
  PrintScopes("gate level", result.Reduction(result.floor, &flow::ReplayedEnergy::measured));
  PrintScopes("model", result.Reduction(result.floor, &flow::ReplayedEnergy::predicted));
  fmt::print("  top-1 {:.1f} s, gate level {:.1f} s ({} threads); wrote {}\n", result.top1_seconds,
             result.gate_seconds, result.threads, (out / "replay.json").string());
  return result.passed() ? 0 : 1;
}

}  // namespace

void AddReplayCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* command = app.add_subcommand(
      "replay", "Plain, baseline and our networks on the RTL: top-1 and gate-level energy");
  AddRunDirOptions(*command, options->common, options->run, options->out,
                   "A run with network.qnet.json and compress.json");
  flow::ReplaySpec& spec = options->spec;
  command->add_option(
      "--compressed", spec.compressed,
      "Where compress.json names ours and the baseline (default: the run directory)");
  command->add_option("--images", spec.images, "Test images measured at the gate level")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  command
      ->add_option("--top1-images", spec.top1_images,
                   "Test images classified on the RTL (0: the whole test split)")
      ->capture_default_str();
  command->add_option("--rows", spec.array.rows, "Array rows")
      ->check(CLI::Range(1, kMaxArraySide))
      ->capture_default_str();
  command->add_option("--cols", spec.array.cols, "Array columns")
      ->check(CLI::Range(1, kMaxArraySide))
      ->capture_default_str();
  command->add_option("--measurement", options->measurement, "timed or zero-delay gate level")
      ->check(CLI::IsMember({"timed", "zero-delay"}))
      ->capture_default_str();
  AddPeOption(*command, options->pe);
  command->callback([options, &exit_status] { exit_status = Run(*options); });
}

}  // namespace powersel::app
