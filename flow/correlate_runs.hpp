// The two halves of the correlation, one network at a time: measuring every tile on the
// Verilated array at the gate level, and capturing the statistics the model reads (with the
// C++ stream model, no Verilator).
#pragma once

#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/flow/correlate.hpp"
#include "powersel/power/edge_energy.hpp"
#include "powersel/power/netlist.hpp"
#include "powersel/power/pe_features.hpp"
#include "powersel/power/sdf.hpp"
#include "powersel/power/toggle_energy.hpp"

namespace powersel::flow::detail {

// Per tile of a network run (images, then layers, then tiles in execution order).
struct TileRun {
  int image = 0;
  int layer = 0;
  int tile = 0;
  std::vector<std::int8_t> weights;  // per PE, row-major
  std::vector<std::uint8_t> used;    // PEs inside the weight tile
};

struct MeasuredNetwork {
  std::vector<TileRun> tiles;
  std::vector<TileEnergy> energy;  // `measured` filled
  double replay_seconds = 0;
};

struct GateLevel {
  const power::GateNetlist& pe;
  const power::Library& library;
  const power::NetlistDelays* delays;  // null: zero-delay
  power::GateEnergyOptions options;
  power::EdgeFlipFlopEnergy edge;
  const power::ToggleEnergyModel& toggles;  // the RTL-toggle level
  power::PeClockEnergy clock;               // the RTL-toggle level's clock
  // The PE's features: a clock-gated PE's neighbours hold their outputs outside valid cycles,
  // so its traces come from the Verilated low-power array, whose PEs do (RtlArrayOptions).
  power::PeFeatures features;
};

// The PE grid of a tile as Harness::LoadWeights places it: weight (k, n) at PE (k, n).
TileRun PlaceTile(tb::ArrayShape array, const powersel::Matrix<std::int8_t>& tile_weights);

MeasuredNetwork MeasureNetwork(const NetworkVariant& variant, const qat::ImageDataset& test,
                               int images, tb::ArrayShape array, const GateLevel& gates);

}  // namespace powersel::flow::detail
