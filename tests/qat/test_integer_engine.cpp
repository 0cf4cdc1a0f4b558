// The integer engine: a hand-computed network, the network file's validation, the RTL
// backend bit-exact with the software one, and activation capture.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "powersel/common/errors.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/qat/architecture.hpp"
#include "powersel/qat/integer_engine.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/tiling.hpp"

using namespace powersel::qat;
using powersel::Matrix;
namespace fs = std::filesystem;

namespace {

// LeNet-5 shapes with random int8 weights and scales that keep activations in range.
QuantizedNetwork RandomLeNet(std::uint64_t seed) {
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

}  // namespace

TEST_CASE("a one-layer network gives hand-computed logits", "[qat]") {
  // Input 2 pixels (1 x 1 x 2 flattened), linear 2 -> 2 without ReLU:
  // logits = 0.5 * 0.1 * (W x + b) with W = [[1, 2], [-3, 4]], x = (10, 20), b = (5, -5):
  // acc = (50, 50), logits = 0.05 * (55, 45) = (2.75, 2.25), so class 0.
  QuantizedNetwork network;
  network.input_channels = 2;
  network.input_height = 1;
  network.input_width = 1;
  network.input_scale = 0.5F;
  network.classes = 2;
  QuantLayer fc;
  fc.kind = LayerKind::kLinear;
  fc.name = "fc";
  fc.in_channels = 2;
  fc.out_channels = 2;
  fc.weights = {1, 2, -3, 4};
  fc.weight_scales = {0.1F, 0.1F};
  fc.bias = {5, -5};
  fc.input_scale = 0.5F;
  fc.relu = false;
  network.layers = {fc};
  const IntegerEngine engine(network);
  const std::vector<std::uint8_t> image = {10, 20};
  const Inference inference = engine.Run(image);
  CHECK(inference.predicted == 0);
  CHECK(inference.logits[0] == Approx(2.75));
  CHECK(inference.logits[1] == Approx(2.25));
}

TEST_CASE("network files round-trip and refuse corruption", "[qat]") {
  const QuantizedNetwork network = RandomLeNet(1);
  const fs::path path = fs::temp_directory_path() / "powersel_net.qnet.json";
  WriteQuantizedNetwork(path, network);
  const QuantizedNetwork back = ReadQuantizedNetwork(path);
  CHECK(back.layers.size() == network.layers.size());
  CHECK(back.layers[0].weights == network.layers[0].weights);
  CHECK(back.layers[5].bias == network.layers[5].bias);

  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  // One weight changed but still valid JSON: the checksum catches it.
  const std::size_t at = text.find("\"weights\":[") + 11;
  text[at] = text[at] == '1' ? '2' : '1';
  std::ofstream(path) << text;
  CHECK_THROWS_WITH(ReadQuantizedNetwork(path), Catch::Contains("checksum"));
  // Truncated.
  std::ofstream(path) << text.substr(0, text.size() / 2);
  CHECK_THROWS_WITH(ReadQuantizedNetwork(path), Catch::Contains("truncated"));
  CHECK_THROWS_AS(ReadQuantizedNetwork("/nonexistent.qnet.json"), powersel::InputError);
}

TEST_CASE("the engine's GEMMs on the RTL array are bit-exact with the software engine", "[qat]") {
  const IntegerEngine engine(RandomLeNet(7), {16, 16});
  powersel::tb::Harness harness({.shape = {16, 16}});
  const GemmBackend rtl = [&](const Matrix<std::uint8_t>& activations,
                              const Matrix<std::int8_t>& weights) {
    return powersel::tb::RunTiledGemm(harness, activations, weights);
  };
  const auto images =
      powersel::ReadIdxImages(powersel::kFashionMnistDir / "t10k-images-idx3-ubyte.gz", 2);
  for (const auto& image : images) {
    std::vector<Matrix<std::uint8_t>> software_layers;
    std::vector<Matrix<std::uint8_t>> rtl_layers;
    const Inference software = engine.Run(
        image.values(), [&](std::size_t, const auto& a) { software_layers.push_back(a); });
    const Inference on_rtl = engine.Run(
        image.values(), rtl, [&](std::size_t, const auto& a) { rtl_layers.push_back(a); });
    // Every layer's input (hence every earlier layer's output) and the logits agree.
    REQUIRE(software_layers.size() == 5);
    CHECK(software_layers == rtl_layers);
    CHECK(software.logits == on_rtl.logits);
    // The network is not degenerate: its activations vary.
    CHECK(std::set<std::uint8_t>(software_layers[2].values().begin(),
                                 software_layers[2].values().end())
              .size() > 10);
  }
}

TEST_CASE("activation capture writes each GEMM layer's streams as IDX", "[qat]") {
  const IntegerEngine engine(RandomLeNet(3));
  const auto images =
      powersel::ReadIdxImages(powersel::kFashionMnistDir / "t10k-images-idx3-ubyte.gz", 3);
  ImageDataset dataset{"fashion-mnist", 1, 28, 28, {}, {}};
  for (const auto& image : images) {
    dataset.images.insert(dataset.images.end(), image.values().begin(), image.values().end());
    dataset.labels.push_back(0);
  }
  const fs::path dir = fs::temp_directory_path() / "powersel_capture";
  fs::remove_all(dir);
  CaptureActivations(engine, dataset, 3, dir);
  const powersel::IdxArray conv1 = powersel::ReadIdx(dir / "act_conv1.idx.gz");
  // 3 images x (28 x 28 output pixels) x (1 x 5 x 5) taps.
  CHECK(conv1.dims == std::vector<std::uint32_t>{3, 784, 25});
  const powersel::IdxArray fc1 = powersel::ReadIdx(dir / "act_fc1.idx.gz");
  CHECK(fc1.dims == std::vector<std::uint32_t>{3, 1, 400});
  // Image 1's first conv1 row is its top-left 5 x 5 patch with the 2-pixel zero padding.
  CHECK(conv1.values[784 * 25 + 0] == 0);
  CHECK(conv1.values[784 * 25 + 12] == images[1](0, 0));
}
