// The MAC energy model: the energy of an array run predicted from its PE activity (or a
// layer's statistics) and the MAC table, in the three scopes of DESIGN.md.
#pragma once

#include <span>
#include <vector>

#include "powersel/model/mac_table.hpp"
#include "powersel/model/pe_activity.hpp"
#include "powersel/power/edge_energy.hpp"

namespace powersel::model {

// An energy in fJ per scope: `datapath` (PEs without their clock), `pe` (with it), `array`
// (every PE, idle ones included, plus the edge registers and their clock).
struct ScopedEnergy {
  double datapath = 0;
  double pe = 0;
  double array = 0;

  ScopedEnergy& operator+=(const ScopedEnergy& other) {
    datapath += other.datapath;
    pe += other.pe;
    array += other.array;
    return *this;
  }
};

// Which PEs a run uses (row-major, nonzero = used: inside the weight tile, whatever its
// weight), and what they hold.
struct PeWeights {
  std::span<const std::int8_t> weights;
  std::span<const std::uint8_t> used;
};

// Predicts a run from its activity: each PE's cycles in each pair priced at its weight's
// table entry, its load cycles at the table's load energy. `datapath` and `pe` cover the used
// PEs, `array` every PE plus the edge registers.
ScopedEnergy PredictRun(const MacTable& table, const PeActivity& activity, const PeWeights& pes,
                        const power::EdgeFlipFlopEnergy& edge);

// The layer-agnostic baseline (PowerPruning's kind of model): every PE cycle priced at one
// per-weight energy, the table averaged over a global activity `global` (e.g. all layers of
// the network), with no partial-sum grouping per PE.
std::vector<double> GlobalWeightEnergy(const MacTable& table, const PeActivity& global);
ScopedEnergy PredictRunAgnostic(const MacTable& table, const std::vector<double>& weight_energy,
                                const PeActivity& activity, const PeWeights& pes,
                                const power::EdgeFlipFlopEnergy& edge);

}  // namespace powersel::model
