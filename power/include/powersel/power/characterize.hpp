// Per-weight MAC energy characterisation on the gate-level PE: every weight value under
// controlled stimuli (uniform activations, real convolution streams, partial-sum transitions
// of chosen MSB Hamming distance), plus the mapped PE's equivalence to the RTL.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/power/gate_energy.hpp"
#include "powersel/power/liberty.hpp"
#include "powersel/power/measurement.hpp"
#include "powersel/power/synth.hpp"

namespace powersel::power {

struct CharacterizeSpec {
  std::filesystem::path liberty = kDefaultLiberty;
  std::uint64_t seed = 1;
  int threads = 1;
  int cycles = 2000;  // measured cycles per weight and stimulus
  // Top bits of the 22-bit partial sum whose Hamming distance groups psum transitions.
  int msb_bits = 8;
  // Random PE-cycles the gate-level PE is checked against the RTL PE for; the timed
  // simulator, about 50 times slower, is checked on 1/kTimedEquivalenceShare of them.
  std::uint64_t equivalence_pe_cycles = 1 << 20;
  static constexpr int kTimedEquivalenceShare = 16;
  GateEnergyOptions energy;
  // Timed measures glitches and, for comparison, also runs every entry zero-delay.
  Measurement measurement = Measurement::kTimed;
  PeFeatures pe;  // the PE mapped and measured: plain or with low-power features
};

// One stimulus class: a name for the CSV and, for targeted partial sums, the MSB Hamming
// distance of every transition (-1 otherwise).
struct Stimulus {
  std::string name;
  int psum_msb_distance = -1;
};

struct MacEnergyRow {
  int weight = 0;
  Stimulus stimulus;
  std::uint64_t cycles = 0;
  double energy_fj = 0;  // mean per PE cycle
};

struct SanityCheck {
  std::string name;
  bool passed = false;
  std::string detail;  // the numbers behind it
};

// Timed against zero-delay energy of one stimulus class over the 256 weights.
struct ModeComparison {
  std::string stimulus;
  double spearman_rho = 0;   // of the two rankings of the weights
  double swapped_pairs = 0;  // fraction of weight pairs the two order oppositely
  double mean_timed_fj = 0;  // per PE cycle, over the weights
  double mean_zero_delay_fj = 0;
  double mean_glitch_share = 0;    // mean over weights of (timed - zero-delay) / timed
  std::vector<int> dearest_timed;  // the five dearest weights, dearest first
  std::vector<int> dearest_zero_delay;
};

struct CharacterizeResult {
  Measurement measurement = Measurement::kTimed;
  std::filesystem::path liberty;
  double voltage_v = 0;
  int pe_cells = 0;
  int pe_flip_flops = 0;
  double pe_area = 0;  // library area units
  double clock_fj_per_cycle = 0;
  std::vector<Stimulus> stimuli;
  std::vector<MacEnergyRow> rows;  // weight-major within each stimulus
  // Timed characterisations only: each row's zero-delay energy, and the comparison per class.
  std::vector<double> zero_delay_fj;
  std::vector<ModeComparison> comparisons;  // uniform and conv
  // Breakdown of the uniform-stimulus energy per PE cycle, by category and by net.
  std::vector<std::pair<std::string, double>> category_fj;
  std::vector<std::pair<std::string, double>> top_nets_fj;
  std::uint64_t equivalence_pe_cycles = 0;
  std::uint64_t equivalence_mismatches = 0;
  std::vector<SanityCheck> checks;
  double seconds = 0;

  double Energy(int weight, const std::string& stimulus) const;
  // The zero-delay energy of a timed characterisation (Energy() for a zero-delay one).
  double ZeroDelayEnergy(int weight, const std::string& stimulus) const;
  bool passed() const;
};

// `design` is a mapping of the array for `spec.liberty` (synth.hpp; static timing caches its
// SDF in the design's folder); `images` feed the convolution streams (28 x 28 uint8).
CharacterizeResult Characterize(const CharacterizeSpec& spec, const MappedDesign& design,
                                const std::vector<Matrix<std::uint8_t>>& images);

// Compares the timed and zero-delay tables of `result` for one stimulus class.
ModeComparison CompareMeasurements(const CharacterizeResult& result, const std::string& stimulus);

// mac_energy.csv (one row per weight and stimulus), mac_energy_by_weight.csv (one column per
// stimulus), characterize.json, and mac_energy.png; for a timed characterisation also
// glitch_by_weight.csv and mac_energy_modes.png (both measurements against the weight).
void WriteCharacterization(const std::filesystem::path& dir, const CharacterizeResult& result);

// The whole job: checks the liberty, maps the PE to it with Yosys (into `dir`/synth), runs
// Characterize on real Fashion-MNIST streams and writes the outputs into `dir`.
CharacterizeResult CharacterizeLibrary(const CharacterizeSpec& spec,
                                       const std::filesystem::path& dir);

}  // namespace powersel::power
