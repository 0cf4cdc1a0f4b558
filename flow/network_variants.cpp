// Weight-changed variants of a trained network, the kinds of change a selection makes: the
// model is used to predict what such changes save, so it is checked on them.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include "powersel/flow/correlate.hpp"

namespace powersel::flow {

namespace {

constexpr int kRandomSetSize = 8;
constexpr int kDraws = 10'000;  // a layer with fewer distinct values keeps what it has

// Zeroes the `share` of each layer's weights with the smallest magnitude.
qat::QuantizedNetwork Pruned(qat::QuantizedNetwork network, double share) {
  for (qat::QuantLayer& layer : network.layers) {
    if (layer.weights.empty()) {
      continue;
    }
    std::vector<int> magnitudes;
    for (const std::int8_t w : layer.weights) {
      magnitudes.push_back(std::abs(int{w}));
    }
    const auto cut = static_cast<std::size_t>(share * static_cast<double>(magnitudes.size()));
    std::vector<int> sorted = magnitudes;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(cut),
                     sorted.end());
    const int threshold = cut < sorted.size() ? sorted[cut] : 128;
    std::size_t zeroed = 0;
    // Below the threshold always; at it, until the share is reached (ties in order).
    for (std::size_t i = 0; i < layer.weights.size(); ++i) {
      if (magnitudes[i] < threshold || (magnitudes[i] == threshold && zeroed < cut)) {
        layer.weights[i] = 0;
        ++zeroed;
      }
    }
  }
  return network;
}

// Each weight moves to the nearest value of `values` (sorted), ties to the smaller magnitude.
qat::QuantizedNetwork Projected(qat::QuantizedNetwork network,
                                const std::vector<std::vector<int>>& values_per_layer) {
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    const std::vector<int>& values = values_per_layer[l];
    for (std::int8_t& w : network.layers[l].weights) {
      int best = values.front();
      for (const int v : values) {
        const int distance = std::abs(v - w);
        const int best_distance = std::abs(best - w);
        if (distance < best_distance ||
            (distance == best_distance && std::abs(v) < std::abs(best))) {
          best = v;
        }
      }
      w = static_cast<std::int8_t>(best);
    }
  }
  return network;
}

std::vector<int> PowersOfTwo() {
  std::vector<int> values = {0, -128};
  for (int p = 1; p <= 64; p *= 2) {
    values.push_back(p);
    values.push_back(-p);
  }
  return values;
}

}  // namespace

std::vector<NetworkVariant> MakeVariants(const qat::QuantizedNetwork& trained, std::uint64_t seed) {
  std::vector<NetworkVariant> variants = {
      {"trained", trained}, {"pruned50", Pruned(trained, 0.5)}, {"pruned80", Pruned(trained, 0.8)}};
  variants.push_back({"pow2", Projected(trained, std::vector<std::vector<int>>(
                                                     trained.layers.size(), PowersOfTwo()))});
  std::mt19937_64 rng(seed);
  for (const char* name : {"random8a", "random8b"}) {
    std::vector<std::vector<int>> sets;
    for (const qat::QuantLayer& layer : trained.layers) {
      // Zero and a few values drawn from the layer's own weights, as a selection keeps some.
      std::vector<int> set = {0};
      for (int draw = 0;
           draw < kDraws && !layer.weights.empty() && static_cast<int>(set.size()) < kRandomSetSize;
           ++draw) {
        const int w = layer.weights[std::uniform_int_distribution<std::size_t>(
            0, layer.weights.size() - 1)(rng)];
        if (std::find(set.begin(), set.end(), w) == set.end()) {
          set.push_back(w);
        }
      }
      sets.push_back(set);
    }
    variants.push_back({name, Projected(trained, sets)});
  }
  return variants;
}

}  // namespace powersel::flow
