// The RTL regression: random and convolution tiles, bit-exact against integer references,
// with toggle counts.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/toggles.hpp"

namespace powersel::tb {

struct RegressionSpec {
  ArrayShape shape;
  int random_tiles = 100;
  // Convolution tiles are run a whole layer at a time, so the count is rounded up.
  int conv_tiles = 20;
  std::uint64_t seed = 1;
  int threads = 1;  // results do not depend on it
  // Waveforms, one FST file per shard (the shard's name is added before the extension).
  std::filesystem::path trace_file;
  bool low_power_pe = false;  // the low-power array, its idle columns gated (HarnessOptions)
};

struct RegressionResult {
  ArrayShape shape;
  int random_tiles = 0;
  int conv_tiles = 0;
  int conv_images = 0;
  std::uint64_t mismatches = 0;        // output elements that differ from the reference
  std::uint64_t mismatched_tiles = 0;  // tiles with at least one such element
  std::uint64_t conv_outputs_checked = 0;
  std::uint64_t conv_mismatches = 0;  // tiled result versus direct convolution
  std::uint64_t cycles = 0;
  std::uint64_t macs = 0;  // useful multiply-accumulates (valid rows x tile size)
  double seconds = 0;
  ToggleCounts toggles;

  bool passed() const { return mismatches == 0 && conv_mismatches == 0; }
};

// Runs random tiles (uniform, partial, extreme values, full 22-bit accumulation, wrap-around,
// sparse) and then a two-layer integer CNN over `images` (28 x 28 uint8 each) tile by tile.
// Bad sizes, options and images are InputErrors, thrown before any simulation.
RegressionResult RunRegression(const RegressionSpec& spec,
                               const std::vector<Matrix<std::uint8_t>>& images);

// Random int8 weights with the bell shape of a trained layer's (normal, sigma 40, clamped).
// One object per stream: the distribution keeps state between draws.
class BellWeights {
 public:
  std::int8_t operator()(std::mt19937_64& rng) {
    return static_cast<std::int8_t>(std::clamp(std::lround(bell_(rng)), -128L, 127L));
  }

 private:
  static constexpr double kSigma = 40.0;
  std::normal_distribution<double> bell_{0.0, kSigma};
};

// Convolution tiles come from a fixed CNN: conv 3x3 1->8, ReLU requantised to uint8 by a
// shift, conv 3x3 8->16, with seeded int8 weights.
int ConvTilesPerImage(ArrayShape shape);
// The CNN's second layer for one image as a GEMM, from the integer reference: im2col
// activations (M x K) and weights (K x N). Real activation streams for energy studies.
struct ConvGemm {
  Matrix<std::uint8_t> activations;
  Matrix<std::int8_t> weights;
};
ConvGemm RegressionSecondLayer(const Matrix<std::uint8_t>& image, std::uint64_t seed);

// Throws InputError (naming `source`, the images' file) unless every image is 28 x 28, the
// convolution's input.
void CheckRegressionImages(const std::vector<Matrix<std::uint8_t>>& images,
                           const std::filesystem::path& source);

// Images the regression needs for `conv_tiles` convolution tiles.
int ConvImagesFor(int conv_tiles, ArrayShape shape);

}  // namespace powersel::tb
