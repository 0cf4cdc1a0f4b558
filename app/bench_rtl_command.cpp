// powersel bench-rtl: simulation speed with and without toggle counting.
#include <fmt/core.h>

#include "command.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/tb/bench.hpp"
#include "powersel/tb/regression.hpp"
#include "powersel/tb/serialize.hpp"

namespace powersel::app {

namespace {

struct BenchRtlOptions {
  CommonOptions common;
  std::vector<int> sizes = {16, 64};
  std::uint64_t cycles = 20000;
  int repetitions = 3;
};

int Run(const BenchRtlOptions& options) {
  tb::BenchSpec spec;
  for (const int size : options.sizes) {
    spec.shapes.push_back({size, size});
    tb::CheckHarnessOptions({.shape = spec.shapes.back()});
  }
  EnsureOutputDirectory(options.common.out, "--out");
  spec.cycles_per_run = options.cycles;
  spec.repetitions = options.repetitions;
  spec.seed = options.common.seed;
  const std::vector<tb::BenchResult> results = tb::RunBenchmark(spec);
  fmt::print("{:>7} {:>18} {:>18} {:>12}\n", "array", "plain MAC/s", "counting MAC/s",
             "time ratio");
  for (const tb::BenchResult& result : results) {
    fmt::print("{:>7} {:>18.4g} {:>18.4g} {:>12.3f}\n",
               fmt::format("{}x{}", result.shape.rows, result.shape.cols), result.plain_macs_per_s,
               result.counting_macs_per_s, result.slowdown());
  }
  WriteJsonAtomically(options.common.out / "bench-rtl.json", tb::ToJson(results));
  return 0;
}

}  // namespace

void AddBenchRtlCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<BenchRtlOptions>();
  CLI::App* command =
      app.add_subcommand("bench-rtl", "Simulated MACs per second, plain and with toggle counting");
  AddCommonOptions(*command, options->common);
  command->add_option("--sizes", options->sizes, "Square array sizes")
      ->check(CLI::Range(1, kMaxArraySide))
      ->capture_default_str();
  command->add_option("--cycles", options->cycles, "Cycles per timed run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--repetitions", options->repetitions,
                   "Timed runs of each kind (median reported)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->callback([options, &exit_status] { exit_status = Run(*options); });
}

}  // namespace powersel::app
