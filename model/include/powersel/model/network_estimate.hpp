// The whole-network estimate: energy curves per GEMM layer and array row, built once from a
// network's captured activity, that price any weight set of the same shape in time linear in
// its weights — the estimate a weight selection asks for again and again.
//
// Streaming cycles: a used PE in row r of layer l costs E_{l,r}(w) per streaming cycle, the
// MAC table averaged over the (activation class, partial-sum group) pairs that row saw.
// Weight loads are computed from the weights themselves: every PE's weight register passes
// through the weights above it and then the new ones, bottom row first, so each transition
// of a column's weights is priced once with the number of PEs it passes (the MAC table's
// zero-activation load pairs: the array loads after its streams drained). The clock follows
// the cycles, and what clock gates let through the captured run's load and valid cycles; idle
// PEs' streaming cycles and the edge registers are the captured run's.
#pragma once

#include <span>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/model/energy_model.hpp"
#include "powersel/tb/tiling.hpp"

namespace powersel::model {

// One captured tile: its GEMM (in the network's order), its place in the GEMM, its activity
// (sealed). A run's tiles in execution order: images, then GEMMs, then PlanTiles order.
struct CapturedTile {
  int gemm = 0;
  tb::TileCoord coord;
  const PeActivity* activity = nullptr;
};

class NetworkEstimate {
 public:
  // `gemm_shapes`: K x N of every GEMM (rows x cols of its weight matrix).
  NetworkEstimate(const MacTable& table, tb::ArrayShape array,
                  std::vector<std::pair<int, int>> gemm_shapes, std::span<const CapturedTile> tiles,
                  const power::EdgeFlipFlopEnergy& edge);

  // Per GEMM, the energy of running `weights` (one K x N matrix per GEMM) as the captured run
  // did (same inputs' activity, same images). Throws std::invalid_argument on another shape.
  std::vector<ScopedEnergy> Estimate(std::span<const Matrix<std::int8_t>> weights) const;

  // E_l(w), w = -128..127: datapath fJ of a streaming cycle of a used PE holding w, over
  // GEMM `gemm`'s rows as its busy cycles weigh them.
  std::vector<double> WeightEnergy(int gemm) const;
  // The same over every layer's rows: one energy per weight value for the whole network,
  // the global activity model of a layer-agnostic selection.
  std::vector<double> WeightEnergy() const;
  int gemms() const { return static_cast<int>(layers_.size()); }

 private:
  struct Layer {
    int k = 0;
    int n = 0;
    std::vector<tb::TileCoord> tiles;    // PlanTiles order
    std::vector<double> stream_cycles;   // per tile: a PE's streaming cycles, all images
    std::vector<double> cycles;          // per tile: all cycles, all images
    std::vector<double> row_fj;          // [row * 256 + w + 128]
    std::vector<double> row_cycles;      // per row: used PEs' streaming cycles
    double idle_stream_fj = 0;           // unused PEs' streaming cycles, priced
    std::vector<double> gated_clock_fj;  // per tile: used PEs' clock gates, all images
    double idle_gated_clock_fj = 0;      // unused PEs' clock gates
    double edge_fj = 0;
  };
  // E(w) over `layers`' rows, weighted by their streaming cycles.
  std::vector<double> WeightEnergyOver(std::span<const Layer> layers) const;

  const MacTable* table_;
  std::vector<float> load_pair_fj_;  // by TransitionClasses::LoadClass (zero activation)
  tb::ArrayShape array_;
  int images_ = 0;
  std::vector<Layer> layers_;
};

}  // namespace powersel::model
