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

// What `now` saves against `before`, per scope: 1 - now / before (a fraction).
inline ScopedEnergy Saving(const ScopedEnergy& now, const ScopedEnergy& before) {
  return {1 - now.datapath / before.datapath, 1 - now.pe / before.pe, 1 - now.array / before.array};
}

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

// Adds `activity`'s cycles per pair, summed over the PEs flagged in `used` (all when empty),
// to `pair_cycles` (sized to the pairs).
void AddPairCycles(const PeActivity& activity, std::span<const std::uint8_t> used,
                   std::vector<double>& pair_cycles);

// E(w), w = -128..127: the mean datapath energy of a streaming PE cycle of weight w when the
// pairs occur as often as in `pair_cycles`. Over one layer's used PEs it is the layer's
// energy per weight value (what a selection weighs); over the whole network, the
// layer-agnostic baseline's one energy per weight (PowerPruning's kind of model: one global
// activity, no partial-sum grouping per PE).
std::vector<double> WeightEnergy(const MacTable& table, const std::vector<double>& pair_cycles);

ScopedEnergy PredictRunAgnostic(const MacTable& table, const std::vector<double>& weight_energy,
                                const PeActivity& activity, const PeWeights& pes,
                                const power::EdgeFlipFlopEnergy& edge);

}  // namespace powersel::model
