// powersel characterize: per-weight MAC energy on the gate-level PE of a liberty.
#include <fmt/core.h>

#include "command.hpp"
#include "powersel/power/characterize.hpp"

namespace powersel::app {

namespace {

struct CharacterizeOptions {
  CommonOptions common;
  power::CharacterizeSpec spec;
};

int Run(CharacterizeOptions options) {
  options.spec.seed = options.common.seed;
  options.spec.threads = options.common.threads;
  const power::CharacterizeResult result =
      power::CharacterizeLibrary(options.spec, options.common.out);

  fmt::print("characterize {}: PE of {} cells ({} flip-flops), clock {:.1f} fJ/cycle, {:.1f} s\n",
             result.liberty.filename().string(), result.pe_cells, result.pe_flip_flops,
             result.clock_fj_per_cycle, result.seconds);
  for (const char* stimulus : {"uniform", "conv"}) {
    fmt::print("  {:8} weight 0: {:.1f} fJ, 64: {:.1f} fJ, 85: {:.1f} fJ, 127: {:.1f} fJ\n",
               stimulus, result.Energy(0, stimulus), result.Energy(64, stimulus),
               result.Energy(85, stimulus), result.Energy(127, stimulus));
  }
  fmt::print("  gate-level PE vs RTL: {} mismatches in {} PE-cycles\n",
             result.equivalence_mismatches, result.equivalence_pe_cycles);
  for (const power::SanityCheck& check : result.checks) {
    fmt::print("  [{}] {}: {}\n", check.passed ? "ok" : "FAIL", check.name, check.detail);
  }
  fmt::print("  wrote {}\n", (options.common.out / "mac_energy.csv").string());
  return result.passed() ? 0 : 1;
}

}  // namespace

void AddCharacterizeCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<CharacterizeOptions>();
  CLI::App* command = app.add_subcommand(
      "characterize", "Per-weight MAC energy of the gate-level PE under controlled stimuli");
  AddCommonOptions(*command, options->common);
  command->add_option("--liberty", options->spec.liberty, "Liberty (.lib) cell library")
      ->capture_default_str();
  command->add_option("--cycles", options->spec.cycles, "Measured cycles per weight and stimulus")
      ->check(CLI::Range(16, 10'000'000))
      ->capture_default_str();
  command
      ->add_option("--msb-bits", options->spec.msb_bits,
                   "Top partial-sum bits whose Hamming distance groups transitions")
      ->check(CLI::Range(1, 21))
      ->capture_default_str();
  command
      ->add_option("--slew", options->spec.energy.input_slew_ns,
                   "Nominal input transition time for the energy tables (ns)")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  command
      ->add_option("--wire-per-fanout", options->spec.energy.wire_per_fanout_pf,
                   "Wire capacitance per fan-out pin (pF)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command->callback([options, &exit_status] { exit_status = Run(*options); });
}

}  // namespace powersel::app
