// Energy at the RTL-toggle level: the Verilated array's per-signal bit toggles (tb::
// ToggleCounts) priced per toggle, the price of each PE signal fitted by least squares to
// the gate-level replay of calibration tiles of random data; the PE clock and the edge
// registers as the gate level prices them. A cheaper, coarser measurement than the trace
// replay: what an RTL power flow without a netlist sees.
#pragma once

#include <array>
#include <cstdint>

#include "powersel/power/edge_energy.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/tb/toggles.hpp"

namespace powersel::power {

struct ToggleEnergyModel {
  // fJ per bit toggle, by tb::PeSignal; signals the fit would price below zero are priced 0.
  std::array<double, tb::kPeSignalCount> fj_per_toggle{};
  EdgeFlipFlopEnergy edge;
  std::uint64_t calibration_samples = 0;  // PE x tile sums fitted

  // The datapath energy of PE (row, col) over the run `toggles` counted.
  double PeDatapathFj(const tb::ToggleCounts& toggles, int row, int col) const;
};

struct ToggleCalibrationSpec {
  tb::ArrayShape array;
  std::uint64_t seed = 1;
  int gemms = 4;  // random GEMMs, half convolution-like (many rows), half FC-like (one row)
  // The Verilated low-power array (clock-gated PEs hold their outputs outside valid cycles).
  bool low_power_array = false;
};

// Runs the calibration GEMMs on the Verilated array (toggles counted, trace recorded),
// replays every tile at the gate level (`delays`: timed, null: zero-delay) and fits the
// per-signal prices to every PE's datapath energy per tile.
ToggleEnergyModel CalibrateToggleEnergy(const ToggleCalibrationSpec& spec,
                                        const GateNetlist& pe_netlist, const Library& library,
                                        const GateEnergyOptions& options,
                                        const NetlistDelays* delays,
                                        const EdgeFlipFlopEnergy& edge);

}  // namespace powersel::power
