#include "powersel/model/tile_mapping.hpp"

#include <fmt/core.h>

#include "powersel/common/errors.hpp"

namespace powersel::model {

LayerMapping MapGemm(int m, int k, int n, tb::ArrayShape shape) {
  if (m < 0 || k < 0 || n < 0) {
    throw InputError(
        "", "gemm",
        fmt::format("an {}x{} by {}x{} product: sizes must not be negative", m, k, k, n));
  }
  LayerMapping layer{.shape = shape, .m = m, .k = k, .n = n};
  const std::int64_t array_pes = std::int64_t{shape.rows} * shape.cols;
  for (const tb::TileCoord& coord : tb::PlanTiles(k, n, shape)) {
    TileMapping tile{.coord = coord};
    tile.load_cycles = tb::WeightLoadCycles(shape);
    tile.stream_cycles = StreamCycles(m, shape);
    tile.cycles = tile.load_cycles + tile.stream_cycles;
    const std::int64_t tile_pes = std::int64_t{coord.k_size} * coord.n_size;
    tile.idle_pes = static_cast<int>(array_pes - tile_pes);
    // Each activation row passes each PE on exactly one edge of the stream.
    tile.busy_pe_cycles = tile_pes * m;
    layer.cycles += tile.cycles;
    layer.busy_pe_cycles += tile.busy_pe_cycles;
    layer.tiles.push_back(tile);
  }
  layer.pe_cycles = array_pes * layer.cycles;
  if (layer.pe_cycles > 0) {
    layer.utilisation =
        static_cast<double>(layer.busy_pe_cycles) / static_cast<double>(layer.pe_cycles);
  }
  return layer;
}

}  // namespace powersel::model
