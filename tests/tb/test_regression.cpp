// The regression end to end on real Fashion-MNIST images: bit-exact, and independent of the
// number of threads.
#include <algorithm>
#include <catch2/catch.hpp>

#include "array_fixtures.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/common/progress.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/regression.hpp"

using powersel::Matrix;
using namespace powersel::tb;

namespace {

std::vector<Matrix<std::uint8_t>> TestImages(int count) {
  return powersel::ReadIdxImages(powersel::kFashionMnistTestImages, count);
}

}  // namespace

TEST_CASE("an 8x8 regression over every tile kind and real conv tiles is bit-exact", "[tb]") {
  powersel::SetProgressEnabled(false);
  const ArrayShape shape{8, 8};
  RegressionSpec spec{shape, 24, ConvTilesPerImage(shape), 3, 1, {}};
  const RegressionResult result = RunRegression(spec, TestImages(1));
  CHECK(result.random_tiles == 24);
  CHECK(result.conv_tiles == ConvTilesPerImage(shape));
  CHECK(result.mismatches == 0);
  CHECK(result.conv_mismatches == 0);
  // Layer 1 (8 x 26 x 26) and layer 2 (16 x 24 x 24) outputs of one image.
  CHECK(result.conv_outputs_checked == 8 * 26 * 26 + 16 * 24 * 24);
  CHECK(result.toggles.Total(PeSignal::kPsum) > 0);
}

TEST_CASE("regression results do not depend on the thread count", "[tb]") {
  powersel::SetProgressEnabled(false);
  const ArrayShape shape{4, 4};
  RegressionSpec spec{shape, 230, 2 * ConvTilesPerImage(shape), 9, 1, {}};
  const auto images = TestImages(2);
  const RegressionResult serial = RunRegression(spec, images);
  spec.threads = 2;
  const RegressionResult parallel = RunRegression(spec, images);
  CHECK(serial.cycles == parallel.cycles);
  CHECK(serial.toggles == parallel.toggles);
  CHECK(serial.mismatches == 0);
}

TEST_CASE("a 64x64 array passes random and convolution tiles", "[tb]") {
  powersel::SetProgressEnabled(false);
  const ArrayShape shape{64, 64};
  if (!powersel::tb::testing::ArrayBuilt(shape)) {
    return;
  }
  RegressionSpec spec{shape, 12, ConvTilesPerImage(shape), 5, 2, {}};
  const RegressionResult result = RunRegression(spec, TestImages(1));
  CHECK(result.mismatches == 0);
  CHECK(result.conv_mismatches == 0);
  CHECK(result.conv_tiles == 3);  // layer 1: K = 9, N = 8; layer 2: K = 72 in two row blocks
}

TEST_CASE("the array with the low-power PE is bit-exact on every tile kind", "[tb]") {
  // Operand isolation, sign-magnitude weights and clock gating change how the PE computes,
  // never what the array outputs: the same regression (zero, -128 and -1 weights, full
  // accumulation, wrap-around) passes.
  powersel::SetProgressEnabled(false);
  // The build has the 4x4 one always and 16x16 where that size is built.
  const std::vector<ArrayShape> shapes = LowPowerShapes();
  REQUIRE(std::find(shapes.begin(), shapes.end(), ArrayShape{4, 4}) != shapes.end());
  for (const ArrayShape shape : shapes) {
    CAPTURE(shape.rows);
    RegressionSpec spec{shape, 60, ConvTilesPerImage(shape), 5, 1, {}};
    spec.low_power_pe = true;
    const RegressionResult low_power = RunRegression(spec, TestImages(1));
    CHECK(low_power.random_tiles == 60);
    CHECK(low_power.mismatches == 0);
    CHECK(low_power.conv_mismatches == 0);
    // The weights move as in the plain array; no valid enters the columns a tile leaves
    // unused (random tiles are narrower than the array); the gated activation and partial-sum
    // registers hold between valid activations where the plain ones take the bubbles' zeros,
    // so they toggle less; the multiplier's output (|w| * act, held at 0 under weight 0)
    // toggles less too: the model really is the low-power one.
    spec.low_power_pe = false;
    const RegressionResult plain = RunRegression(spec, TestImages(1));
    CHECK(low_power.cycles == plain.cycles);
    CHECK(low_power.toggles.Total(PeSignal::kWeight) == plain.toggles.Total(PeSignal::kWeight));
    for (const PeSignal signal :
         {PeSignal::kActivationValid, PeSignal::kActivation, PeSignal::kPsum, PeSignal::kProduct}) {
      CHECK(low_power.toggles.Total(signal) < plain.toggles.Total(signal));
    }
  }
  CHECK_THROWS_AS(CheckHarnessOptions({.shape = {8, 8}, .low_power_pe = true}),
                  powersel::InputError);
}
