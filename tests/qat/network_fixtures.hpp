// Networks for tests: LeNet-5 shapes with seeded random weights.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>

#include "powersel/qat/architecture.hpp"
#include "powersel/qat/quantized_network.hpp"

namespace powersel::qat::testing {

// LeNet-5 shapes with random int8 weights and scales that keep activations in range.
inline QuantizedNetwork RandomLeNet(std::uint64_t seed) {
  QuantizedNetwork network = Shapes(MakeArchitecture(ModelKind::kLeNet5, 1, 28, 10), 1, 28, 28, 10);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> weight(0.0, 40.0);
  float input_scale = network.input_scale;
  for (QuantLayer& layer : network.layers) {
    if (!layer.IsGemm()) {
      continue;
    }
    layer.weights.resize(static_cast<std::size_t>(layer.out_channels) * layer.GemmK());
    for (auto& w : layer.weights) {
      w = static_cast<std::int8_t>(std::clamp(std::lround(weight(rng)), -127L, 127L));
    }
    layer.weight_scales.assign(static_cast<std::size_t>(layer.out_channels), 0.01F);
    layer.bias.assign(static_cast<std::size_t>(layer.out_channels), 100);
    layer.input_scale = input_scale;
    // Output range about the accumulator spread, so that outputs use the uint8 levels.
    layer.output_scale = input_scale * 0.01F * 40.0F *
                         std::sqrt(static_cast<float>(layer.GemmK())) * 128.0F / 255.0F;
    input_scale = layer.output_scale;
  }
  network.layers.back().relu = false;
  return network;
}

}  // namespace powersel::qat::testing
