// Mapping a GEMM onto the array: K over the rows, N over the columns, one weight tile at a
// time; partial sums of consecutive K tiles are added outside the array.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/tb/harness.hpp"

namespace powersel::tb {

struct TileCoord {
  int k_begin = 0;
  int k_size = 0;
  int n_begin = 0;
  int n_size = 0;
};

// Tiles in execution order: for each column block, the K blocks top to bottom.
std::vector<TileCoord> PlanTiles(int k_total, int n_total, ArrayShape shape);

Matrix<std::int8_t> SliceWeights(const Matrix<std::int8_t>& weights, const TileCoord& tile);
Matrix<std::uint8_t> SliceActivations(const Matrix<std::uint8_t>& activations,
                                      const TileCoord& tile);

// Called after each tile with its inputs and the array's raw M x cols output.
using TileObserver =
    std::function<void(const TileCoord& tile, const Matrix<std::uint8_t>& activations,
                       const Matrix<std::int8_t>& weights, const Matrix<std::int32_t>& output)>;

// activations (M x K) times weights (K x N) on the array, accumulated in 64 bits outside.
Matrix<std::int64_t> RunTiledGemm(Harness& harness, const Matrix<std::uint8_t>& activations,
                                  const Matrix<std::int8_t>& weights,
                                  const TileObserver& observer = {});

}  // namespace powersel::tb
