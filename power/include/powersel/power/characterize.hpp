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

namespace powersel::power {

struct CharacterizeSpec {
  std::filesystem::path liberty = kDefaultLiberty;
  std::uint64_t seed = 1;
  int threads = 1;
  int cycles = 2000;  // measured cycles per weight and stimulus
  // Top bits of the 22-bit partial sum whose Hamming distance groups psum transitions.
  int msb_bits = 8;
  std::uint64_t equivalence_pe_cycles = 1 << 20;
  GateEnergyOptions energy;
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

struct CharacterizeResult {
  std::filesystem::path liberty;
  double voltage_v = 0;
  int pe_cells = 0;
  int pe_flip_flops = 0;
  double pe_area = 0;  // library area units
  double clock_fj_per_cycle = 0;
  std::vector<Stimulus> stimuli;
  std::vector<MacEnergyRow> rows;  // weight-major within each stimulus
  // Breakdown of the uniform-stimulus energy per PE cycle, by category and by net.
  std::vector<std::pair<std::string, double>> category_fj;
  std::vector<std::pair<std::string, double>> top_nets_fj;
  std::uint64_t equivalence_pe_cycles = 0;
  std::uint64_t equivalence_mismatches = 0;
  std::vector<SanityCheck> checks;
  double seconds = 0;

  double Energy(int weight, const std::string& stimulus) const;
  bool passed() const;
};

// `netlist_json` is a mapping of the array for `spec.liberty` (synth.hpp); `images` feed the
// convolution streams (28 x 28 uint8).
CharacterizeResult Characterize(const CharacterizeSpec& spec,
                                const std::filesystem::path& netlist_json,
                                const std::vector<Matrix<std::uint8_t>>& images);

// mac_energy.csv (one row per weight and stimulus), mac_energy_by_weight.csv (one column per
// stimulus), characterize.json, and mac_energy.png.
void WriteCharacterization(const std::filesystem::path& dir, const CharacterizeResult& result);

// The whole job: checks the liberty, maps the PE to it with Yosys (into `dir`/synth), runs
// Characterize on real Fashion-MNIST streams and writes the outputs into `dir`.
CharacterizeResult CharacterizeLibrary(const CharacterizeSpec& spec,
                                       const std::filesystem::path& dir);

}  // namespace powersel::power
