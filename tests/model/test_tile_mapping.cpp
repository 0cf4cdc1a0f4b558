// The tile mapping against what tb::RunTiledGemm takes on the Verilated array, and its busy
// PE-cycles against the PEs the stream model sees working.
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "../tb/array_fixtures.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/model/array_streams.hpp"
#include "powersel/model/tile_mapping.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/tiling.hpp"

using powersel::Matrix;
using powersel::model::LayerMapping;
using powersel::model::MapGemm;
using powersel::tb::ArrayShape;

namespace {

struct Gemm {
  int m;
  int k;
  int n;
};

Matrix<std::uint8_t> Activations(int m, int k, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> value(0, 255);
  Matrix<std::uint8_t> activations(m, k);
  for (auto& a : activations.values()) {
    a = static_cast<std::uint8_t>(value(rng));
  }
  return activations;
}

Matrix<std::int8_t> Weights(int k, int n, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> value(-128, 127);
  Matrix<std::int8_t> weights(k, n);
  for (auto& w : weights.values()) {
    w = static_cast<std::int8_t>(value(rng));
  }
  return weights;
}

}  // namespace

TEST_CASE("the mapping's cycles are those RunTiledGemm takes on the RTL", "[model]") {
  const int size = GENERATE(4, 8);
  // One tile, K > rows, N > cols, both, and a single activation row.
  const Gemm gemm =
      GENERATE(Gemm{5, 3, 2}, Gemm{6, 11, 3}, Gemm{7, 10, 9}, Gemm{1, 17, 20}, Gemm{12, 8, 8});
  CAPTURE(size, gemm.m, gemm.k, gemm.n);
  if (!powersel::tb::testing::ArrayBuilt({size, size})) {
    return;
  }
  const ArrayShape shape{size, size};
  std::mt19937_64 rng(5);
  const auto activations = Activations(gemm.m, gemm.k, rng);
  const auto weights = Weights(gemm.k, gemm.n, rng);
  powersel::tb::Harness harness({.shape = shape});

  std::vector<std::uint64_t> tile_ends;
  std::vector<powersel::tb::TileCoord> coords;
  const std::uint64_t start = harness.cycles();
  powersel::tb::RunTiledGemm(
      harness, activations, weights,
      [&](const powersel::tb::TileCoord& tile, const auto&, const auto&, const auto&) {
        tile_ends.push_back(harness.cycles());
        coords.push_back(tile);
      });

  const LayerMapping layer = MapGemm(gemm.m, gemm.k, gemm.n, shape);
  REQUIRE(layer.cycles == static_cast<std::int64_t>(harness.cycles() - start));
  REQUIRE(layer.tiles.size() == tile_ends.size());
  std::uint64_t tile_start = start;
  for (std::size_t t = 0; t < layer.tiles.size(); ++t) {
    CAPTURE(t);
    const auto& tile = layer.tiles[t];
    CHECK(tile.cycles == static_cast<std::int64_t>(tile_ends[t] - tile_start));
    CHECK(tile.coord.k_begin == coords[t].k_begin);
    CHECK(tile.coord.k_size == coords[t].k_size);
    CHECK(tile.coord.n_begin == coords[t].n_begin);
    CHECK(tile.coord.n_size == coords[t].n_size);
    CHECK(tile.idle_pes == size * size - coords[t].k_size * coords[t].n_size);
    tile_start = tile_ends[t];
  }
  CHECK(layer.pe_cycles == std::int64_t{size} * size * layer.cycles);
}

TEST_CASE("busy PE-cycles are the tile's PEs passed by valid activations", "[model]") {
  // Counted independently: the stream model's PEs inside the tile with a valid activation.
  const ArrayShape shape = GENERATE(ArrayShape{4, 4}, ArrayShape{3, 5});
  const Gemm gemm = GENERATE(Gemm{5, 3, 2}, Gemm{7, 10, 9});
  CAPTURE(shape.rows, shape.cols, gemm.m, gemm.k, gemm.n);
  std::mt19937_64 rng(9);
  const auto activations = Activations(gemm.m, gemm.k, rng);
  const auto weights = Weights(gemm.k, gemm.n, rng);

  powersel::model::ArrayStreamModel model({.shape = shape});
  const LayerMapping layer = MapGemm(gemm.m, gemm.k, gemm.n, shape);
  for (const auto& tile : layer.tiles) {
    std::int64_t busy = 0;
    const auto count = [&](std::span<const powersel::tb::PeInputs> pes) {
      for (std::size_t i = 0; i < pes.size(); ++i) {
        const int row = static_cast<int>(i) / shape.cols;
        const int col = static_cast<int>(i) % shape.cols;
        busy += pes[i].act_valid && row < tile.coord.k_size && col < tile.coord.n_size;
      }
    };
    const std::uint64_t start = model.cycles();
    model.LoadWeights(powersel::tb::SliceWeights(weights, tile.coord), count);
    model.Stream(powersel::tb::SliceActivations(activations, tile.coord), {}, count);
    model.Flush(count);
    CHECK(busy == tile.busy_pe_cycles);
    CHECK(static_cast<std::int64_t>(model.cycles() - start) == tile.cycles);
  }
}

TEST_CASE("utilisation of a small GEMM, by hand", "[model]") {
  // M = 5, K = 3, N = 2 on 4x4: one tile. Load: rows + 1 = 5 edges. Stream: the first row's
  // result after rows + cols = 8 edges, the other 4 rows one edge each: 12. Total 17 edges,
  // 16 * 17 = 272 PE-cycles, of which 3 * 2 PEs times 5 rows = 30 busy: 30 / 272 = 0.1103.
  const LayerMapping layer = MapGemm(5, 3, 2, {4, 4});
  REQUIRE(layer.tiles.size() == 1);
  CHECK(layer.tiles[0].load_cycles == 5);
  CHECK(layer.tiles[0].stream_cycles == 12);
  CHECK(layer.tiles[0].idle_pes == 10);
  CHECK(layer.cycles == 17);
  CHECK(layer.pe_cycles == 272);
  CHECK(layer.busy_pe_cycles == 30);
  CHECK(layer.utilisation == Approx(30.0 / 272.0));

  // K = 10, N = 9 on 4x4: K blocks 4, 4, 2 under each of the N blocks 4, 4, 1.
  const LayerMapping tiled = MapGemm(7, 10, 9, {4, 4});
  REQUIRE(tiled.tiles.size() == 9);
  CHECK(tiled.tiles[2].coord.k_size == 2);
  CHECK(tiled.tiles[2].coord.n_size == 4);
  CHECK(tiled.tiles[8].idle_pes == 16 - 2 * 1);
  CHECK(tiled.busy_pe_cycles == 7 * 10 * 9);  // every MAC of the GEMM once
  CHECK(tiled.cycles == 9 * (5 + 7 - 1 + 8));
}

TEST_CASE("empty and bad GEMMs", "[model]") {
  const LayerMapping empty = MapGemm(0, 4, 4, {4, 4});
  CHECK(empty.tiles.size() == 1);
  CHECK(empty.tiles[0].stream_cycles == 0);
  CHECK(empty.busy_pe_cycles == 0);
  CHECK(MapGemm(3, 0, 4, {4, 4}).tiles.empty());
  CHECK(MapGemm(3, 0, 4, {4, 4}).utilisation == 0.0);
  CHECK_THROWS_AS(MapGemm(-1, 4, 4, {4, 4}), powersel::InputError);
  CHECK_THROWS_AS(MapGemm(1, 4, 4, {0, 4}), powersel::InputError);
}
