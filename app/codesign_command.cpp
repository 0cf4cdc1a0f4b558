// powersel codesign: the low-power PE's features measured one by one, with the networks.
#include <fmt/format.h>

#include "command.hpp"
#include "powersel/flow/codesign.hpp"
#include "powersel/qat/dataset.hpp"

namespace powersel::app {

namespace {

struct CodesignOptions {
  CommonOptions common;
  std::filesystem::path run;
  std::filesystem::path out;  // empty: the run directory
  flow::CodesignSpec spec;
  std::string measurement = power::MeasurementName(power::Measurement::kTimed);
};

int Run(CodesignOptions options) {
  options.spec.seed = options.common.seed;
  options.spec.threads = options.common.threads;
  options.spec.measurement = power::MeasurementsByName().at(options.measurement);
  const flow::RunSpec run = RunSpecOfDir(options.run);
  options.spec.liberty = run.characterize.liberty;
  const qat::ImageDataset test = qat::LoadDataset(run.train.data).test;
  const std::filesystem::path out = options.out.empty() ? options.run : options.out;
  const flow::CodesignResult result = flow::Codesign(options.spec, options.run, test, out);
  flow::WriteCodesign(out, result);

  const flow::AblationRow& plain_pe = result.ablation.front();
  fmt::print("codesign ({}, gate level, {}x{}): per PE cycle on real streams (pe scope)\n",
             power::MeasurementName(result.measurement), result.array.rows, result.array.cols);
  for (const flow::AblationRow& row : result.ablation) {
    fmt::print(
        "  {:22} {:4} cells {:3} FFs {}  w=0 {:5.1f} pJ  +1 {:5.1f}  -1 {:5.1f}  avg {:5.1f}"
        "  ours pe {:.1f} nJ ({:+.1f} % vs plain on plain PE)\n",
        row.name, row.cells, row.flip_flops, row.equivalent ? "equal" : "DIFFER",
        row.weight0_fj / 1e3, row.plus1_fj / 1e3, row.minus1_fj / 1e3, row.network_average_fj / 1e3,
        row.ours.measured.pe / 1e6, 100 * (row.ours.measured.pe / plain_pe.plain.measured.pe - 1));
  }
  const model::ScopedEnergy measured = result.HeadlineReduction(false);
  const model::ScopedEnergy predicted = result.HeadlineReduction(true);
  fmt::print(
      "  headline: ours on the low-power PE against plain on the plain PE: pe {:.1f} % (model "
      "{:.1f} %), array {:.1f} % (model {:.1f} %), top-1 drop {:.2f} points\n",
      100 * measured.pe, 100 * predicted.pe, 100 * measured.array, 100 * predicted.array,
      result.ours_top1_drop);
  fmt::print("  {:.0f} s; wrote {}\n", result.seconds, (out / "codesign.json").string());
  for (const flow::AblationRow& row : result.ablation) {
    if (!row.equivalent) {
      return 1;
    }
  }
  return 0;
}

}  // namespace

void AddCodesignCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<CodesignOptions>();
  CLI::App* command = app.add_subcommand(
      "codesign", "The low-power PE feature by feature: area, energy, the networks on it");
  AddRunDirOptions(*command, options->common, options->run, options->out,
                   "A run with network.qnet.json and compress.json");
  command
      ->add_option("--compressed", options->spec.compressed,
                   "Where compress.json names ours (default: the run directory)")
      ->capture_default_str();
  flow::CodesignSpec& spec = options->spec;
  command->add_option("--images", spec.images, "Test images measured per network")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  command->add_option("--cycles", spec.cycles, "Characterisation cycles per weight and stimulus")
      ->check(CLI::Range(16, 10'000'000))
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
  command->callback([options, &exit_status] { exit_status = Run(*options); });
}

}  // namespace powersel::app
