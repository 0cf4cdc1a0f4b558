// A network on the Verilated array: every GEMM layer's input and the logits bit-exact with the
// software engine, which tiles K by the same array's rows.
#include <catch2/catch.hpp>
#include <set>

#include "../qat/network_fixtures.hpp"
#include "flow_fixtures.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/flow/network_check.hpp"
#include "powersel/qat/integer_engine.hpp"

using namespace powersel;

using flow::testing::TestImages;

TEST_CASE("a network's GEMMs on the RTL array are bit-exact with the software engine", "[flow]") {
  const int size = GENERATE(8, 16);
  CAPTURE(size);
  const qat::QuantizedNetwork network = qat::testing::RandomLeNet(7);
  const qat::ImageDataset images = TestImages(2);
  const flow::NetworkRtlCheck check = flow::CheckNetworkOnRtl(network, images, 2, {size, size});
  CHECK(check.images == 2);
  // LeNet-5 has five GEMM layers (two convolutions, three linear), each compared per image.
  CHECK(check.gemm_layers == 2 * 5);
  CHECK(check.mismatches == 0);
  CHECK(check.passed());

  // The comparison is not between degenerate streams: the hidden activations vary.
  const qat::IntegerEngine engine(network, {size, size});
  std::set<std::uint8_t> levels;
  engine.Run(images.Image(0), [&](std::size_t layer, const Matrix<std::uint8_t>& activations) {
    if (layer == 2) {
      levels.insert(activations.values().begin(), activations.values().end());
    }
  });
  CHECK(levels.size() > 10);
}

TEST_CASE("the network check refuses an array size that is not built", "[flow]") {
  CHECK_THROWS_AS(flow::CheckNetworkOnRtl(qat::testing::RandomLeNet(7), TestImages(1), 1, {5, 5}),
                  InputError);
}

TEST_CASE("the RTL's classes over batches on two threads are the engine's", "[flow]") {
  // 150 images: a full batch of 100 and a partial one, one per thread.
  const qat::QuantizedNetwork network = qat::testing::RandomLeNet(3);
  const qat::ImageDataset images = TestImages(150);
  const flow::NetworkRtlCheck check = flow::CheckNetworkOnRtl(network, images, 150, {8, 8}, 2);
  CHECK(check.images == 150);
  CHECK(check.gemm_layers == 150 * 5);
  CHECK(check.mismatches == 0);
  const std::vector<int> expected = qat::IntegerEngine(network, {8, 8}).Predict(images, 1);
  CHECK(check.predicted == expected);
  CHECK(std::set<int>(expected.begin(), expected.end()).size() > 1);
}

TEST_CASE("a network on the low-power PE's array is bit-exact too", "[flow]") {
  const qat::QuantizedNetwork network = qat::testing::RandomLeNet(5);
  const qat::ImageDataset images = TestImages(3);
  const flow::NetworkRtlCheck check =
      flow::CheckNetworkOnRtl(network, images, 3, {4, 4}, 1, power::LowPowerPe());
  CHECK(check.gemm_layers == 3 * 5);
  CHECK(check.mismatches == 0);
  CHECK(check.predicted == qat::IntegerEngine(network, {4, 4}).Predict(images, 1));
  CHECK_THROWS_AS(flow::CheckNetworkOnRtl(network, images, 1, {8, 8}, 1, power::LowPowerPe()),
                  InputError);
}
