// How a GEMM runs on the array tile by tile, as tb::RunTiledGemm runs it: the cycles each
// tile takes and how many of its PE-cycles do real work. The mapping is what the energy model
// multiplies per-PE-cycle energies by.
#pragma once

#include <cstdint>
#include <vector>

#include "powersel/tb/array_shape.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/tiling.hpp"

namespace powersel::model {

// Cycles of tb::Harness::Stream for `stream_rows` activation rows: the first row's result
// leaves PipelineLatency edges after it enters (its own edge counted), each further row one
// edge later; no rows take no edges.
constexpr std::int64_t StreamCycles(std::int64_t stream_rows, tb::ArrayShape shape) {
  return stream_rows == 0 ? 0 : stream_rows - 1 + tb::PipelineLatency(shape);
}

struct TileMapping {
  tb::TileCoord coord;
  std::int64_t load_cycles = 0;    // LoadWeights
  std::int64_t stream_cycles = 0;  // Stream, fill and drain included
  std::int64_t cycles = 0;         // both
  // PEs outside the K x N tile: weight zero, their activation lanes zero-padded.
  int idle_pes = 0;
  // PEs of the tile times the activation rows that pass them.
  std::int64_t busy_pe_cycles = 0;
};

struct LayerMapping {
  tb::ArrayShape shape;
  int m = 0;
  int k = 0;
  int n = 0;
  std::vector<TileMapping> tiles;  // in tb::PlanTiles order
  std::int64_t cycles = 0;
  std::int64_t pe_cycles = 0;  // rows * cols * cycles
  std::int64_t busy_pe_cycles = 0;
  double utilisation = 0.0;  // busy_pe_cycles / pe_cycles; 0 for an empty layer
};

// An M x K activation matrix times a K x N weight matrix. Throws InputError for negative
// sizes or an array without PEs.
LayerMapping MapGemm(int m, int k, int n, tb::ArrayShape shape);

}  // namespace powersel::model
