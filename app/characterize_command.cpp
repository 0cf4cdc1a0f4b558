// powersel characterize: per-weight MAC energy on the gate-level PE of a liberty.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.hpp"
#include "powersel/flow/run.hpp"
#include "powersel/power/characterize.hpp"

namespace powersel::app {

namespace {

struct CharacterizeOptions {
  CommonOptions common;
  power::CharacterizeSpec spec;
  std::string measurement = power::MeasurementName(power::Measurement::kTimed);
  std::string pe = "plain";
};

int Run(CharacterizeOptions options) {
  options.spec.seed = options.common.seed;
  options.spec.threads = options.common.threads;
  options.spec.measurement = power::MeasurementsByName().at(options.measurement);
  options.spec.pe = PeFeaturesNamed(options.pe);
  const power::CharacterizeResult result =
      power::CharacterizeLibrary(options.spec, options.common.out);
  flow::WriteCharacterizationReport(options.common.out, result);

  fmt::print(
      "characterize {} ({}, pe scope): PE of {} cells ({} flip-flops), clock {:.1f} fJ/cycle, "
      "{:.1f} s\n",
      result.liberty.filename().string(), power::MeasurementName(result.measurement),
      result.pe_cells, result.pe_flip_flops, result.clock_fj_per_cycle, result.seconds);
  for (const char* stimulus : {"uniform", "conv"}) {
    fmt::print("  {:8} weight 0: {:.1f} fJ, 64: {:.1f} fJ, 85: {:.1f} fJ, 127: {:.1f} fJ\n",
               stimulus, result.Energy(0, stimulus), result.Energy(64, stimulus),
               result.Energy(85, stimulus), result.Energy(127, stimulus));
  }
  for (const power::ModeComparison& c : result.comparisons) {
    fmt::print(
        "  {:8} timed/zero-delay x{:.2f} (mean {:.1f} / {:.1f} fJ), glitch share {:.1f} %, "
        "Spearman rho {:.3f}, {:.1f} % of weight pairs swap, dearest timed {}\n",
        c.stimulus, c.mean_timed_fj / c.mean_zero_delay_fj, c.mean_timed_fj, c.mean_zero_delay_fj,
        100 * c.mean_glitch_share, c.spearman_rho, 100 * c.swapped_pairs,
        fmt::join(c.dearest_timed, " "));
  }
  fmt::print("  gate-level PE vs RTL: {} mismatches in {} PE-cycles\n",
             result.equivalence_mismatches, result.equivalence_pe_cycles);
  for (const power::SanityCheck& check : result.checks) {
    fmt::print("  [{}] {}: {}\n", check.passed ? "ok" : "FAIL", check.name, check.detail);
  }
  fmt::print("  wrote {} and report.md\n", (options.common.out / "mac_energy.csv").string());
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
  command
      ->add_option("--measurement", options->measurement,
                   "timed (glitches, delays from OpenSTA; also runs zero-delay to compare) or "
                   "zero-delay")
      ->check(CLI::IsMember({"timed", "zero-delay"}))
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
  AddPeOption(*command, options->pe);
  command->callback([options, &exit_status] { exit_status = Run(*options); });
}

}  // namespace powersel::app
