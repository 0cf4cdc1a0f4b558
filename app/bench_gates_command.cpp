// powersel bench-gates: gate-level measurement speed against the RTL simulation.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "powersel/common/files.hpp"
#include "powersel/power/bench_gates.hpp"

namespace powersel::app {

namespace {

struct BenchGatesOptions {
  CommonOptions common;
  std::uint64_t pe_cycles = 4'000'000;
};

int Run(const BenchGatesOptions& options) {
  EnsureOutputDirectory(options.common.out, "--out");
  const power::GateBenchResult result =
      power::RunGateBenchmark(options.pe_cycles, options.common.seed);
  fmt::print("{:<44} {:>14}\n", "simulator", "PE-cycles/s");
  fmt::print("{:<44} {:>14.4g}\n", "gate level, bit-parallel with energy (64 PEs)",
             result.gate_simulator_pe_cycles_per_s);
  fmt::print("{:<44} {:>14.4g}\n", "gate level, timed with glitches (64 PEs)",
             result.timed_pe_cycles_per_s);
  fmt::print("{:<44} {:>14.4g}\n", "gate level, Verilator (one PE)",
             result.verilator_gates_pe_cycles_per_s);
  fmt::print("{:<44} {:>14.4g}\n", "RTL, Verilator (one PE)", result.verilator_rtl_pe_cycles_per_s);
  fmt::print("{:<44} {:>14.4g}\n", "RTL, Verilator (16x16 array)",
             result.rtl_array_pe_cycles_per_s);
  fmt::print("gate-level energy runs at {:.2f}x the RTL array's PE-cycle rate\n",
             result.gate_simulator_pe_cycles_per_s / result.rtl_array_pe_cycles_per_s);
  WriteJsonAtomically(options.common.out / "bench-gates.json",
                      {{"pe_cycles", result.pe_cycles},
                       {"gate_simulator_pe_cycles_per_s", result.gate_simulator_pe_cycles_per_s},
                       {"timed_pe_cycles_per_s", result.timed_pe_cycles_per_s},
                       {"verilator_gates_pe_cycles_per_s", result.verilator_gates_pe_cycles_per_s},
                       {"verilator_rtl_pe_cycles_per_s", result.verilator_rtl_pe_cycles_per_s},
                       {"rtl_array_pe_cycles_per_s", result.rtl_array_pe_cycles_per_s},
                       {"gate_to_rtl_array_ratio",
                        result.gate_simulator_pe_cycles_per_s / result.rtl_array_pe_cycles_per_s}});
  return 0;
}

}  // namespace

void AddBenchGatesCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<BenchGatesOptions>();
  CLI::App* command = app.add_subcommand(
      "bench-gates", "Gate-level measurement speed against the RTL simulation, in one run");
  AddCommonOptions(*command, options->common);
  command->add_option("--pe-cycles", options->pe_cycles, "PE-cycles per timed simulator")
      ->check(CLI::Range(std::uint64_t{4096}, std::uint64_t{1} << 34))
      ->capture_default_str();
  command->callback([options, &exit_status] { exit_status = Run(*options); });
}

}  // namespace powersel::app
