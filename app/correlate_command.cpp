// powersel correlate: the energy model against the gate-level measurement, tile by tile.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "command.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/flow/correlate.hpp"
#include "powersel/tb/harness.hpp"

namespace powersel::app {

namespace {

struct CorrelateOptions {
  CommonOptions common;
  std::filesystem::path run;
  std::filesystem::path out;  // empty: the run directory
  flow::CorrelateSpec spec;
  std::string measurement = power::MeasurementName(power::Measurement::kTimed);
};

// CheckGroupingSpec says "field: problem"; the flag is the field with dashes.
void CheckGrouping(const model::GroupingSpec& grouping) {
  try {
    model::CheckGroupingSpec(grouping);
  } catch (const std::invalid_argument& error) {
    const std::string text = error.what();
    const auto colon = text.find(": ");
    std::string flag = "--" + text.substr(0, colon);
    std::replace(flag.begin(), flag.end(), '_', '-');
    throw InputError("", flag, colon == std::string::npos ? text : text.substr(colon + 2));
  }
}

int Run(CorrelateOptions options) {
  options.spec.seed = options.common.seed;
  options.spec.threads = options.common.threads;
  options.spec.table.threads = options.common.threads;
  options.spec.table.measurement = power::MeasurementsByName().at(options.measurement);
  CheckGrouping(options.spec.table.grouping);
  // The run's dataset, as its configuration names it (the default without one).
  const flow::RunSpec run = RunSpecOfDir(options.run);
  tb::CheckHarnessOptions({.shape = options.spec.array});
  const std::filesystem::path out = options.out.empty() ? options.run : options.out;
  const flow::CorrelateResult result =
      flow::CorrelateRun(options.spec, options.run / "network.qnet.json", run.train.data, out);

  fmt::print("correlate ({}, gate level): {} networks, {} tiles on the {}x{} array\n",
             power::MeasurementName(result.measurement), result.networks.size(),
             result.tiles.size(), result.array.rows, result.array.cols);
  for (const bool aware : {true, false}) {
    for (const char* scope : {"datapath", "pe", "array"}) {
      const flow::FitStats fit = result.Fit(aware, scope);
      fmt::print("  {:14} {:8} r {:.4f}  rho {:.4f}  mean rel err {:.2f} %  max {:.2f} %\n",
                 aware ? "layer-aware" : "layer-agnostic", scope, fit.pearson_r, fit.spearman_rho,
                 100 * fit.mean_rel_err, 100 * fit.max_rel_err);
    }
  }
  for (const char* scope : {"datapath", "pe", "array"}) {
    const flow::FitStats rtl =
        result.Compare(flow::EnergySource::kRtlToggle, flow::EnergySource::kGateLevel, scope);
    const flow::FitStats aware =
        result.Compare(flow::EnergySource::kLayerAware, flow::EnergySource::kRtlToggle, scope);
    fmt::print("  {:14} {:8} r {:.4f}  mean rel err {:.2f} %  (layer-aware against it: {:.2f} %)\n",
               "RTL toggles", scope, rtl.pearson_r, 100 * rtl.mean_rel_err,
               100 * aware.mean_rel_err);
  }
  for (const bool from_trained : {false, true}) {
    for (const char* scope : {"datapath", "pe", "array"}) {
      const flow::FitStats fit = result.EstimateFit(from_trained, scope);
      fmt::print("  {:14} {:8} per layer: mean rel err {:.2f} %  max {:.2f} %\n",
                 from_trained ? "estimate (tr.)" : "estimate", scope, 100 * fit.mean_rel_err,
                 100 * fit.max_rel_err);
    }
  }
  fmt::print(
      "  gate-level replay {:.1f} s, per-tile model {:.4f} s ({:.0f}x), statistics {:.2f} s\n",
      result.measure_seconds, result.predict_seconds,
      result.measure_seconds / result.predict_seconds, result.statistics_seconds);
  fmt::print("  whole network: replay {:.2f} s, estimate {:.1f} us ({:.0f}x)\n",
             result.ReplaySecondsPerNetwork(), 1e6 * result.estimate_seconds,
             result.ReplaySecondsPerNetwork() / result.estimate_seconds);
  fmt::print("  wrote {}\n", (out / "correlate.json").string());
  return 0;
}

}  // namespace

void AddCorrelateCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<CorrelateOptions>();
  CLI::App* command = app.add_subcommand(
      "correlate", "The MAC energy model against the gate-level measurement of every tile");
  AddRunDirOptions(*command, options->common, options->run, options->out,
                   "Run directory (network.qnet.json, config.yaml)");
  command->add_option("--images", options->spec.images, "Test images per network")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  command->add_option("--rows", options->spec.array.rows, "Array rows")
      ->check(CLI::Range(1, kMaxArraySide))
      ->capture_default_str();
  command->add_option("--cols", options->spec.array.cols, "Array columns")
      ->check(CLI::Range(1, kMaxArraySide))
      ->capture_default_str();
  command->add_option("--measurement", options->measurement, "timed or zero-delay gate level")
      ->check(CLI::IsMember({"timed", "zero-delay"}))
      ->capture_default_str();
  command
      ->add_option("--cycles-per-class", options->spec.table.cycles_per_class,
                   "MAC table: measured cycles per (activation class, psum group) and weight")
      ->check(CLI::Range(16, 1'000'000))
      ->capture_default_str();
  model::GroupingSpec& grouping = options->spec.table.grouping;
  command
      ->add_option("--msb-bits", grouping.msb_bits,
                   "Top partial-sum bits whose Hamming distance groups transitions")
      ->check(CLI::Range(1, 21))
      ->capture_default_str();
  command
      ->add_option("--psum-edges", grouping.psum_edges,
                   "Bin edges of the top bits' Hamming distance (rising, 1..msb-bits)")
      ->capture_default_str();
  command
      ->add_option("--psum-low-edges", grouping.psum_low_edges,
                   "Bin edges of the low bits' Hamming distance (rising, 1..22-msb-bits)")
      ->capture_default_str();
  command
      ->add_option("--activation-edges", grouping.activation_edges,
                   "Bin edges of nonzero activation transitions' Hamming distance (2..8)")
      ->capture_default_str();
  command->callback([options, &exit_status] { exit_status = Run(*options); });
}

}  // namespace powersel::app
