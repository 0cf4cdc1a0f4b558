// libFuzzer target: the layer geometry of integer networks (qat/quantized_network.cpp Validate),
// behind the file's checksum where byte mutations of network files seldom reach. The input
// chooses a layer list, mostly close to consistent so that the search gets past the first
// check; whatever Validate accepts must run in the integer engine (qat/integer_engine.cpp).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "powersel/qat/quantized_network.hpp"
#include "run_network.hpp"

namespace {

using powersel::qat::LayerKind;
using powersel::qat::QuantizedNetwork;
using powersel::qat::QuantLayer;

// Small sides keep one execution in the milliseconds; -1 and 0 probe the lower bounds, and
// now and then a huge side probes Validate's own arithmetic for overflow.
int Side(FuzzedDataProvider& input, int max) {
  constexpr int kHuge[] = {1 << 15, (1 << 15) + 1, 1 << 26, std::numeric_limits<int>::max(),
                           std::numeric_limits<int>::min()};
  if (input.ConsumeIntegralInRange(0, 15) == 0) {
    return input.PickValueInArray(kHuge);
  }
  return input.ConsumeIntegralInRange(-1, max);
}

// Validate bounds every layer far above what the engine can run here thousands of times a
// second; networks that pass with large layers are checked but not run.
bool SmallEnoughToRun(const QuantizedNetwork& network) {
  constexpr double kMaxRunValues = 1 << 18;
  double largest =
      static_cast<double>(network.input_channels) * network.input_height * network.input_width;
  for (const QuantLayer& layer : network.layers) {
    const double pixels = static_cast<double>(layer.out_height) * layer.out_width;
    largest = std::max({largest, pixels * layer.out_channels, pixels * layer.GemmK()});
  }
  return largest <= kMaxRunValues;
}

float Scale(FuzzedDataProvider& input) {
  constexpr float kScales[] = {0.02F,
                               1.0F,
                               1e-3F,
                               1e-40F,
                               3e38F,
                               0.0F,
                               -1.0F,
                               std::numeric_limits<float>::quiet_NaN(),
                               std::numeric_limits<float>::infinity()};
  return input.PickValueInArray(kScales);
}

// Sides as int, saturated: the harness must not overflow where it builds what Validate refuses.
int Saturated(double value) {
  return static_cast<int>(std::clamp(value, static_cast<double>(std::numeric_limits<int>::min()),
                                     static_cast<double>(std::numeric_limits<int>::max())));
}

// The output a layer of this kind and geometry gives, as the exporter computes it; the input
// then decides whether to keep it or to take arbitrary sides.
void ChooseOutput(FuzzedDataProvider& input, QuantLayer& layer) {
  const double padding = layer.padding;
  const double kernel = layer.kernel;
  switch (layer.kind) {
    case LayerKind::kConv:
    case LayerKind::kMaxPool: {
      const double stride = layer.stride > 0 ? layer.stride : 1;
      layer.out_channels = layer.kind == LayerKind::kConv ? Side(input, 8) : layer.in_channels;
      layer.out_height =
          Saturated(std::trunc((layer.in_height + 2 * padding - kernel) / stride) + 1);
      layer.out_width = Saturated(std::trunc((layer.in_width + 2 * padding - kernel) / stride) + 1);
      break;
    }
    case LayerKind::kFlatten:
      layer.out_channels =
          Saturated(static_cast<double>(layer.in_channels) * layer.in_height * layer.in_width);
      layer.out_height = layer.out_width = 1;
      break;
    case LayerKind::kLinear:
      layer.out_channels = Side(input, 16);
      layer.out_height = layer.out_width = 1;
      break;
  }
  if (input.ConsumeBool()) {
    layer.out_channels = Side(input, 64);
    layer.out_height = Side(input, 32);
    layer.out_width = Side(input, 32);
  }
}

void ChooseGemm(FuzzedDataProvider& input, QuantLayer& layer) {
  const double expected =
      static_cast<double>(layer.out_channels) * layer.in_channels * layer.kernel * layer.kernel;
  // Only small layers get consistent weights: a kernel of 0 must not ask for 2^31 scales.
  const bool consistent = input.ConsumeBool() && layer.out_channels >= 0 &&
                          layer.out_channels <= (1 << 16) && expected >= 0 && expected <= (1 << 16);
  const auto weights = consistent ? static_cast<std::size_t>(expected)
                                  : input.ConsumeIntegralInRange<std::size_t>(0, 256);
  for (std::size_t i = 0; i < weights; ++i) {
    layer.weights.push_back(static_cast<std::int8_t>(i * 29));
  }
  const std::size_t channels = consistent ? static_cast<std::size_t>(layer.out_channels)
                                          : input.ConsumeIntegralInRange<std::size_t>(0, 16);
  for (std::size_t n = 0; n < channels; ++n) {
    layer.weight_scales.push_back(input.ConsumeBool() ? 0.01F : Scale(input));
    layer.bias.push_back(input.ConsumeIntegral<std::int32_t>());
  }
  layer.input_scale = input.ConsumeBool() ? 0.02F : Scale(input);
  layer.output_scale = input.ConsumeBool() ? 0.05F : Scale(input);
  layer.relu = input.ConsumeBool();
}

QuantLayer MakeLayer(FuzzedDataProvider& input, LayerKind kind, const QuantizedNetwork& network) {
  QuantLayer layer;
  layer.kind = kind;
  layer.name = "layer" + std::to_string(network.layers.size());
  if (network.layers.empty()) {
    layer.in_channels = network.input_channels;
    layer.in_height = network.input_height;
    layer.in_width = network.input_width;
  } else {
    layer.in_channels = network.layers.back().out_channels;
    layer.in_height = network.layers.back().out_height;
    layer.in_width = network.layers.back().out_width;
  }
  if (input.ConsumeBool()) {
    layer.in_channels = Side(input, 8);
    layer.in_height = Side(input, 32);
    layer.in_width = Side(input, 32);
  }
  if (kind == LayerKind::kConv || kind == LayerKind::kMaxPool || input.ConsumeBool()) {
    layer.kernel = Side(input, 7);
    layer.stride = Side(input, 4);
    // Pooling takes no padding: mostly none, so that valid pools are common.
    layer.padding = kind == LayerKind::kMaxPool && input.ConsumeBool() ? 0 : Side(input, 3);
  }
  ChooseOutput(input, layer);
  if (layer.IsGemm()) {
    ChooseGemm(input, layer);
  }
  return layer;
}

QuantizedNetwork Build(FuzzedDataProvider& input) {
  QuantizedNetwork network;
  network.input_channels = Side(input, 4);
  network.input_height = Side(input, 32);
  network.input_width = Side(input, 32);
  const int layers = input.ConsumeIntegralInRange(0, 5);
  for (int i = 0; i < layers; ++i) {
    const LayerKind kind = input.PickValueInArray(
        {LayerKind::kConv, LayerKind::kLinear, LayerKind::kMaxPool, LayerKind::kFlatten});
    network.layers.push_back(MakeLayer(input, kind, network));
  }
  // Mostly close like every real network does, with a flatten and the logits, so that
  // Validate accepts often enough for the engine to be exercised behind every layer kind.
  if (input.ConsumeBool()) {
    network.layers.push_back(MakeLayer(input, LayerKind::kFlatten, network));
    network.layers.push_back(MakeLayer(input, LayerKind::kLinear, network));
    network.layers.back().relu = false;
  }
  const int classes = network.layers.empty() ? 0 : network.layers.back().out_channels;
  network.classes = input.ConsumeBool() ? classes : Side(input, 16);
  return network;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const QuantizedNetwork network = Build(input);
  try {
    powersel::qat::Validate(network);
  } catch (const std::invalid_argument&) {
    return 0;  // refused: the reader reports this as an InputError
  }
  const int rows = input.ConsumeIntegralInRange(1, 64);
  if (SmallEnoughToRun(network)) {
    powersel::fuzz::RunNetwork(network, {rows, rows});
  }
  return 0;
}
