#include "characterize_stimuli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "powersel/tb/array_shape.hpp"
#include "powersel/tb/regression.hpp"

namespace powersel::power::detail {

namespace {

// Partial sums of the uniform class: the sum of this many products, as in a PE half-way down
// a 64-row column.
constexpr int kUniformDepth = 32;
// Magnitudes of the sign-flip and same-sign classes: small, so that a sign change flips the
// whole sign-extension region above them.
constexpr int kSmallPsum = 1 << 10;

std::vector<tb::PeInputs> Uniform(int cycles, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> activation(0, 255);
  tb::BellWeights weight;
  std::vector<tb::PeInputs> stream(static_cast<std::size_t>(cycles));
  for (tb::PeInputs& in : stream) {
    std::int64_t psum = 0;
    for (int k = 0; k < kUniformDepth; ++k) {
      const std::int64_t w = weight(rng);  // drawn before its activation, in this order
      psum += w * activation(rng);
    }
    in.act = static_cast<std::uint8_t>(activation(rng));
    in.act_valid = true;
    in.psum = tb::WrapPsum(psum);
  }
  return stream;
}

// Real streams: PE (k, n) of a K tile sees column k of the second layer's im2col matrix and
// the partial sums of rows 0..k-1 of output channel n.
std::vector<tb::PeInputs> Convolution(int cycles, std::uint64_t seed, std::mt19937_64& rng,
                                      const std::vector<Matrix<std::uint8_t>>& images) {
  std::vector<tb::PeInputs> stream;
  for (std::size_t image = 0; static_cast<int>(stream.size()) < cycles; ++image) {
    const tb::ConvGemm gemm = tb::RegressionSecondLayer(images[image % images.size()], seed);
    const int k = std::uniform_int_distribution<int>(0, gemm.activations.cols() - 1)(rng);
    const int n = std::uniform_int_distribution<int>(0, gemm.weights.cols() - 1)(rng);
    for (int m = 0; m < gemm.activations.rows() && static_cast<int>(stream.size()) < cycles; ++m) {
      std::int64_t psum = 0;
      for (int j = 0; j < k; ++j) {
        psum += std::int64_t{gemm.activations(m, j)} * gemm.weights(j, n);
      }
      tb::PeInputs in;
      in.act = gemm.activations(m, k);
      in.act_valid = true;
      in.psum = tb::WrapPsum(psum);
      stream.push_back(in);
    }
  }
  return stream;
}

// Every transition flips exactly `distance` of the top `msb_bits` bits; the bits below are
// uniform.
std::vector<tb::PeInputs> MsbDistance(int cycles, int distance, int msb_bits,
                                      std::mt19937_64& rng) {
  const int low_bits = tb::kPsumBits - msb_bits;
  std::uniform_int_distribution<int> activation(0, 255);
  std::uniform_int_distribution<std::uint32_t> low(0, (1U << low_bits) - 1);
  std::vector<int> positions(static_cast<std::size_t>(msb_bits));
  std::uint32_t top = std::uniform_int_distribution<std::uint32_t>(0, (1U << msb_bits) - 1)(rng);
  std::vector<tb::PeInputs> stream(static_cast<std::size_t>(cycles));
  for (tb::PeInputs& in : stream) {
    std::iota(positions.begin(), positions.end(), 0);
    std::shuffle(positions.begin(), positions.end(), rng);
    for (int i = 0; i < distance; ++i) {
      top ^= 1U << positions[static_cast<std::size_t>(i)];
    }
    in.act = static_cast<std::uint8_t>(activation(rng));
    in.act_valid = true;
    in.psum = tb::WrapPsum((static_cast<std::int64_t>(top) << low_bits) | low(rng));
  }
  return stream;
}

std::vector<tb::PeInputs> SmallPsums(int cycles, bool alternate_sign, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> activation(0, 255);
  std::uniform_int_distribution<int> magnitude(1, kSmallPsum);
  std::vector<tb::PeInputs> stream(static_cast<std::size_t>(cycles));
  for (std::size_t cycle = 0; cycle < stream.size(); ++cycle) {
    const bool negative = alternate_sign && cycle % 2 == 1;
    stream[cycle].act = static_cast<std::uint8_t>(activation(rng));
    stream[cycle].act_valid = true;
    stream[cycle].psum = negative ? -magnitude(rng) : magnitude(rng);
  }
  return stream;
}

}  // namespace

std::vector<Stimulus> StimulusClasses(int msb_bits) {
  std::vector<Stimulus> classes = {{"uniform", -1}, {"conv", -1}};
  for (int distance = 0; distance <= msb_bits; ++distance) {
    classes.push_back({fmt::format("psum_msb_hd{}", distance), distance});
  }
  classes.push_back({"psum_sign_flip", -1});
  classes.push_back({"psum_same_sign", -1});
  return classes;
}

std::vector<tb::PeInputs> MakeStimulus(const Stimulus& stimulus, int cycles, int msb_bits,
                                       std::uint64_t seed,
                                       const std::vector<Matrix<std::uint8_t>>& images) {
  // Each class draws from its own stream, so adding a class changes no other. FNV-1a keeps
  // the stream the same on every platform.
  std::uint64_t name_hash = 0xcbf29ce484222325ULL;
  for (const char c : stimulus.name) {
    name_hash = (name_hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  std::mt19937_64 rng(seed ^ name_hash);
  if (stimulus.name == "uniform") {
    return Uniform(cycles, rng);
  }
  if (stimulus.name == "conv") {
    return Convolution(cycles, seed, rng, images);
  }
  if (stimulus.psum_msb_distance >= 0) {
    return MsbDistance(cycles, stimulus.psum_msb_distance, msb_bits, rng);
  }
  return SmallPsums(cycles, stimulus.name == "psum_sign_flip", rng);
}

}  // namespace powersel::power::detail
