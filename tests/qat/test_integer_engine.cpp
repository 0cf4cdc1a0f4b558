// The integer engine: a hand-computed network, the network file's validation and activation
// capture. The engine on the RTL array is checked in tests/flow/test_network_check.cpp.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "powersel/common/errors.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/qat/architecture.hpp"
#include "powersel/qat/integer_engine.hpp"
#include "network_fixtures.hpp"

using namespace powersel::qat;
using powersel::qat::testing::RandomLeNet;
using powersel::Matrix;
namespace fs = std::filesystem;


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

TEST_CASE("activation capture writes each GEMM layer's streams as IDX", "[qat]") {
  const IntegerEngine engine(RandomLeNet(3));
  const auto images =
      powersel::ReadIdxImages(powersel::kFashionMnistTestImages, 3);
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
