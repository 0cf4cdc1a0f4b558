// How fast the gate-level measurement runs next to the RTL simulation, in one run.
#pragma once

#include <cstdint>

namespace powersel::power {

struct GateBenchResult {
  std::uint64_t pe_cycles = 0;
  double gate_simulator_pe_cycles_per_s = 0;  // bit-parallel netlist simulation with energy
  double timed_pe_cycles_per_s = 0;  // timed (event-driven, OpenSTA delays), 64 lanes, counts
  double verilator_gates_pe_cycles_per_s = 0;  // Verilator on the same netlist, one PE
  double verilator_rtl_pe_cycles_per_s = 0;    // Verilator on rtl/ws_pe.sv, one PE
  double rtl_array_pe_cycles_per_s = 0;        // Verilated 16x16 array, plain
};

// Times each simulator on about `pe_cycles` random PE cycles (default library netlist).
GateBenchResult RunGateBenchmark(std::uint64_t pe_cycles, std::uint64_t seed);

}  // namespace powersel::power
