// The integer references themselves: im2col is proven equal to the direct convolution, and
// the 22-bit wrap matches hand-computed values.
#include <catch2/catch.hpp>
#include <random>

#include "powersel/tb/reference.hpp"
#include "powersel/tb/tiling.hpp"

using powersel::Matrix;
using namespace powersel::tb;

TEST_CASE("the 22-bit wrap matches hand-computed values", "[tb]") {
  CHECK(WrapPsum(0) == 0);
  CHECK(WrapPsum(2'097'151) == 2'097'151);   // 2^21 - 1, the largest value
  CHECK(WrapPsum(2'097'152) == -2'097'152);  // 2^21 wraps to -2^21
  CHECK(WrapPsum(-2'097'153) == 2'097'151);  // -2^21 - 1 wraps to 2^21 - 1
  CHECK(WrapPsum(4'194'304 + 5) == 5);       // 2^22 + 5
}

TEST_CASE("im2col times the weight matrix equals the direct convolution", "[tb]") {
  const int padding = GENERATE(0, 1);
  const int stride = GENERATE(1, 2);
  const int channels = GENERATE(1, 3);
  CAPTURE(padding, stride, channels);
  const ConvShape shape{channels, 9, 7, 4, 3, stride, padding};
  std::mt19937_64 rng(static_cast<std::uint64_t>(padding * 10 + stride * 3 + channels));
  std::uniform_int_distribution<int> pixel(0, 255);
  std::uniform_int_distribution<int> weight(-128, 127);
  std::vector<std::uint8_t> input(static_cast<std::size_t>(channels) * 9 * 7);
  std::vector<std::int8_t> weights(static_cast<std::size_t>(4) * shape.GemmK());
  for (auto& p : input) {
    p = static_cast<std::uint8_t>(pixel(rng));
  }
  for (auto& w : weights) {
    w = static_cast<std::int8_t>(weight(rng));
  }
  const Matrix<std::int64_t> direct = DirectConvolution(input, weights, shape);
  const Matrix<std::int64_t> lowered =
      ExactGemm(Im2Col(input, shape), ConvWeightsAsGemm(weights, shape));
  REQUIRE(lowered.rows() == shape.OutHeight() * shape.OutWidth());
  for (int o = 0; o < 4; ++o) {
    for (int p = 0; p < lowered.rows(); ++p) {
      REQUIRE(direct(o, p) == lowered(p, o));
    }
  }
}

TEST_CASE("a tiny convolution matches a hand calculation", "[tb]") {
  // 1 channel 3x3 input 1..9, one 2x2 kernel [[1, 0], [0, -1]]: out(y, x) = in(y, x) -
  // in(y+1, x+1) = -4 everywhere.
  const std::vector<std::uint8_t> input = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<std::int8_t> weights = {1, 0, 0, -1};
  const ConvShape shape{1, 3, 3, 1, 2, 1, 0};
  const Matrix<std::int64_t> direct = DirectConvolution(input, weights, shape);
  CHECK(direct.values() == std::vector<std::int64_t>{-4, -4, -4, -4});
}

TEST_CASE("tile planning covers every weight exactly once", "[tb]") {
  const int k_total = GENERATE(1, 9, 72, 130);
  const int n_total = GENERATE(1, 8, 17);
  CAPTURE(k_total, n_total);
  Matrix<int> covered(k_total, n_total, 0);
  for (const TileCoord& tile : PlanTiles(k_total, n_total, {8, 8})) {
    REQUIRE(tile.k_size <= 8);
    REQUIRE(tile.n_size <= 8);
    for (int k = 0; k < tile.k_size; ++k) {
      for (int n = 0; n < tile.n_size; ++n) {
        ++covered(tile.k_begin + k, tile.n_begin + n);
      }
    }
  }
  for (const int count : covered.values()) {
    REQUIRE(count == 1);
  }
}
