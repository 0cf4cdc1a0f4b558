#include "powersel/tb/tiling.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "powersel/common/errors.hpp"

namespace powersel::tb {

std::vector<TileCoord> PlanTiles(int k_total, int n_total, ArrayShape shape) {
  // A zero step would never end; sizes come from the user, so this is bad input.
  if (shape.rows < 1 || shape.cols < 1) {
    throw InputError("", "--rows/--cols",
                     fmt::format("cannot tile onto a {}x{} array", shape.rows, shape.cols));
  }
  std::vector<TileCoord> tiles;
  for (int n = 0; n < n_total; n += shape.cols) {
    for (int k = 0; k < k_total; k += shape.rows) {
      tiles.push_back({k, std::min(shape.rows, k_total - k), n, std::min(shape.cols, n_total - n)});
    }
  }
  return tiles;
}

Matrix<std::int8_t> SliceWeights(const Matrix<std::int8_t>& weights, const TileCoord& tile) {
  Matrix<std::int8_t> slice(tile.k_size, tile.n_size);
  for (int k = 0; k < tile.k_size; ++k) {
    for (int n = 0; n < tile.n_size; ++n) {
      slice(k, n) = weights(tile.k_begin + k, tile.n_begin + n);
    }
  }
  return slice;
}

Matrix<std::uint8_t> SliceActivations(const Matrix<std::uint8_t>& activations,
                                      const TileCoord& tile) {
  Matrix<std::uint8_t> slice(activations.rows(), tile.k_size);
  for (int m = 0; m < activations.rows(); ++m) {
    for (int k = 0; k < tile.k_size; ++k) {
      slice(m, k) = activations(m, tile.k_begin + k);
    }
  }
  return slice;
}

Matrix<std::int64_t> RunTiledGemm(Harness& harness, const Matrix<std::uint8_t>& activations,
                                  const Matrix<std::int8_t>& weights,
                                  const TileObserver& observer) {
  Matrix<std::int64_t> result(activations.rows(), weights.cols(), 0);
  for (const TileCoord& tile : PlanTiles(weights.rows(), weights.cols(), harness.shape())) {
    const Matrix<std::int8_t> tile_weights = SliceWeights(weights, tile);
    const Matrix<std::uint8_t> tile_activations = SliceActivations(activations, tile);
    harness.LoadWeights(tile_weights);
    const Matrix<std::int32_t> output = harness.Stream(tile_activations);
    for (int m = 0; m < result.rows(); ++m) {
      for (int n = 0; n < tile.n_size; ++n) {
        result(m, tile.n_begin + n) += output(m, n);
      }
    }
    if (observer) {
      observer(tile, tile_activations, tile_weights, output);
    }
  }
  return result;
}

}  // namespace powersel::tb
