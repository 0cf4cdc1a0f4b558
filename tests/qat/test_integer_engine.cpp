// The integer engine: a hand-computed network, the network file's validation and activation
// capture. The engine on the RTL array is checked in tests/flow/test_network_check.cpp.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "network_fixtures.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/qat/architecture.hpp"
#include "powersel/qat/integer_engine.hpp"

using namespace powersel::qat;
using powersel::Matrix;
using powersel::qat::testing::RandomLeNet;
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
  const auto images = powersel::ReadIdxImages(powersel::kFashionMnistTestImages, 3);
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

TEST_CASE("network files with a right checksum but impossible geometry are refused", "[qat]") {
  // Each used to pass validation and crash `powersel capture`: a division by zero in im2col
  // (stride 0), a heap overflow copying the flattened activations (size 30 of 32) and reads
  // past the activations of an empty convolution output (kernel 11 on a padded 10 x 10).
  const auto [file, field] = GENERATE(table<std::string, std::string>({
      {"qnet_stride0.qnet.json", "layers[0].stride: conv1 (conv): stride 0"},
      {"qnet_flatten_size.qnet.json", "layers[2].out: flatten (flatten): expected 32x1x1"},
      {"qnet_kernel_too_large.qnet.json", "layers[0].kernel: conv1 (conv): kernel 11 is larger"},
  }));
  const fs::path path = fs::path(POWERSEL_TEST_INPUTS) / file;
  CHECK_THROWS_AS(ReadQuantizedNetwork(path), powersel::InputError);
  CHECK_THROWS_WITH(ReadQuantizedNetwork(path), Catch::StartsWith(path.string() + ": " + field));
}

TEST_CASE("validation checks every layer's geometry against its neighbours", "[qat]") {
  // LeNet-5 layers: conv1 pool1 conv2 pool2 flatten fc1 fc2 fc3.
  const auto [edit, field] = GENERATE(table<int, std::string>({
      {0, "input.shape"},
      {1, "layers[0].out"},
      {2, "layers[1].stride"},
      {3, "layers[1].padding"},
      {4, "layers[2].kernel"},
      {5, "layers[4].out"},
      {6, "layers[4].in"},
      {7, "layers[7].kernel"},
  }));
  QuantizedNetwork network = RandomLeNet(5);
  REQUIRE_NOTHROW(Validate(network));
  std::vector<QuantLayer>& layers = network.layers;
  switch (edit) {
    case 0:
      network.input_height = layers[0].in_height = 0;
      break;
    case 1:
      layers[0].out_height = 27;  // a 5 x 5 kernel with padding 2 keeps 28
      break;
    case 2:
      layers[1].stride = 0;
      break;
    case 3:
      layers[1].padding = 1;  // the engine pools without padding
      break;
    case 4:
      layers[2].kernel = 15;  // conv2 sees 14 x 14 without padding
      break;
    case 5:
      layers[4].out_channels = 399;  // 16 x 5 x 5 = 400
      break;
    case 6:
      // fc1 straight after pool2, taking its 16 x 5 x 5 output, which is not flat.
      layers.erase(layers.begin() + 4);
      layers[4].in_channels = 16;
      layers[4].in_height = layers[4].in_width = 5;
      break;
    case 7:
      layers[7].kernel = 2;  // a linear layer has no kernel
      break;
  }
  CAPTURE(edit);
  CHECK_THROWS_AS(Validate(network), std::invalid_argument);
  CHECK_THROWS_WITH(Validate(network), Catch::StartsWith(field + ": "));
}

TEST_CASE("a float where the file needs an int8 weight is refused", "[qat]") {
  // Found by fuzz_qnet: nlohmann cast 1e300 to int8 (undefined behaviour) before the checksum.
  const fs::path path = fs::temp_directory_path() / "powersel_float_weight.qnet.json";
  WriteQuantizedNetwork(path, RandomLeNet(2));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const std::size_t at = text.find("\"weights\":[") + 11;
  text.insert(at, "1e300,");
  std::ofstream(path) << text;
  CHECK_THROWS_WITH(ReadQuantizedNetwork(path),
                    Catch::Contains("layers[0].weights: expected an integer in -128..127"));
}

TEST_CASE("capture refuses images of another shape than the network's input", "[qat]") {
  // A valid network for 1 x 32 x 32 images used to read past each 28 x 28 Fashion-MNIST image.
  const fs::path path = fs::path(POWERSEL_TEST_INPUTS) / "qnet_input_32x32.qnet.json";
  const IntegerEngine engine(ReadQuantizedNetwork(path));
  ImageDataset dataset{"fashion-mnist", 1, 28, 28, std::vector<std::uint8_t>(2 * 784, 7), {0, 1}};
  const fs::path dir = fs::temp_directory_path() / "powersel_capture_shape";
  CHECK_THROWS_WITH(CaptureActivations(engine, dataset, 2, dir),
                    Catch::StartsWith(path.string() + ": input.shape: the network takes 1x32x32"));
  CHECK_THROWS_AS(engine.Predict(dataset, 1), powersel::InputError);
  CHECK_THROWS_AS(engine.Run(dataset.Image(0)), std::invalid_argument);
}

TEST_CASE("a batch gives each image's own inference and stacks the layers' inputs", "[qat]") {
  const IntegerEngine engine(RandomLeNet(11), {8, 8});
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> pixel(0, 255);
  std::vector<std::vector<std::uint8_t>> images(3, std::vector<std::uint8_t>(28 * 28));
  for (auto& image : images) {
    for (auto& value : image) {
      value = static_cast<std::uint8_t>(pixel(rng));
    }
  }
  const std::vector<std::span<const std::uint8_t>> batch(images.begin(), images.end());
  std::vector<Matrix<std::uint8_t>> stacked;
  const std::vector<Inference> inferences = engine.RunBatch(
      batch, SoftwareArrayGemm({8, 8}), [&](std::size_t, const Matrix<std::uint8_t>& activations) {
        stacked.push_back(activations);
      });
  REQUIRE(inferences.size() == 3);
  REQUIRE(stacked.size() == 5);  // two convolutions, three linear layers
  for (std::size_t i = 0; i < images.size(); ++i) {
    CAPTURE(i);
    std::vector<Matrix<std::uint8_t>> alone;
    const Inference single =
        engine.Run(images[i], [&](std::size_t, const Matrix<std::uint8_t>& activations) {
          alone.push_back(activations);
        });
    CHECK(inferences[i].logits == single.logits);
    CHECK(inferences[i].predicted == single.predicted);
    // Image i's rows of every stacked layer input are its own input to that layer.
    for (std::size_t layer = 0; layer < alone.size(); ++layer) {
      REQUIRE(stacked[layer].rows() == 3 * alone[layer].rows());
      const std::size_t size = alone[layer].values().size();
      CHECK(std::equal(alone[layer].values().begin(), alone[layer].values().end(),
                       stacked[layer].values().begin() + static_cast<std::ptrdiff_t>(i * size)));
    }
  }
  // The images differ, so a batch that mixed them up would show.
  CHECK(inferences[0].logits != inferences[1].logits);
}
