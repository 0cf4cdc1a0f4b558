// Energy of the array's edge registers (input skew, output de-skew, load path). They are
// chains of flip-flops, so their energy follows from the RTL's toggle counts: each toggled
// bit costs one flip-flop output transition into the next stage, and every flip-flop pays the
// clock every cycle. The per-flip-flop energies come from a mapped array of the library.
//
// Array energy = PE replay (PeReplay) + this estimate, so each wire at a PE boundary must be
// priced by exactly one of them. The PE replay prices a PE's input wires (its pins' switching,
// their passive energy and the PE side of the wire) and its outputs' drivers (at the load of
// the neighbouring PE's inputs); the edge registers own the rest of every wire they drive or
// that feeds their data pins (MeasureEdgeFlipFlops).
#pragma once

#include <cstdint>

#include "powersel/power/gate_energy.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/power/netlist.hpp"
#include "powersel/power/synth.hpp"
#include "powersel/tb/toggles.hpp"

namespace powersel::power {

struct EdgeFlipFlopEnergy {
  double transition_fj = 0;  // mean energy of one output transition of an edge flip-flop
  double clock_fj = 0;       // clock energy of one flip-flop per cycle
  // The array gates idle columns (ws_array's IdleColumnGating): 2 * cols more flip-flops on
  // the clock, the column enables and the output valid's own line. Their few toggles (per
  // load, and two per stream and stage) are in no ToggleCounts and go unpriced, as do the
  // column gates' ANDs inside (their outputs are the PEs' valid inputs, which the PE replay
  // prices; a valid toggles twice per stream).
  bool idle_column_gating = false;
};

// From a mapped array (module ws_array, flattened) and the gate-level PE that replays its PEs:
// the flip-flops outside the PEs. The transition energy is the mean over them of what the
// edge registers own: their outputs' wires and their data inputs' wires from ports and PEs,
// each less what the PE replay prices of it (its PE pins and wire share, or its PE driver).
EdgeFlipFlopEnergy MeasureEdgeFlipFlops(const GateNetlist& array, const NetEnergyTable& table,
                                        const GatePe& pe);

// The same from a mapped design (module ws_array, and its PE at the library's energies).
EdgeFlipFlopEnergy MeasureEdgeFlipFlops(const MappedDesign& design, const Library& library,
                                        const GateEnergyOptions& options);

// Flip-flops at the edges of a rows x cols array (rtl/ws_array.sv), with or without
// idle-column gating.
std::uint64_t EdgeFlipFlopCount(tb::ArrayShape shape, bool idle_column_gating = false);

struct EdgeEnergy {
  double input_skew_fj = 0;
  double output_deskew_fj = 0;
  double load_path_fj = 0;
  double clock_fj = 0;
  double total_fj() const { return input_skew_fj + output_deskew_fj + load_path_fj + clock_fj; }
};

// Over the run that `toggles` counted (toggles.cycles cycles).
EdgeEnergy EstimateEdgeEnergy(const tb::ToggleCounts& toggles, const EdgeFlipFlopEnergy& flops);

}  // namespace powersel::power
