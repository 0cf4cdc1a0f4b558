// The harness drives the Verilated array correctly: results equal the integer reference,
// timing matches the documented latencies, and bad tiles are refused.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "array_fixtures.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/reference.hpp"
#include "powersel/tb/tiling.hpp"

using powersel::Matrix;
using namespace powersel::tb;

namespace {

Matrix<std::int8_t> RandomWeights(int k, int n, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> value(-128, 127);
  Matrix<std::int8_t> weights(k, n);
  for (auto& w : weights.values()) {
    w = static_cast<std::int8_t>(value(rng));
  }
  return weights;
}

Matrix<std::uint8_t> RandomActivations(int m, int k, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> value(0, 255);
  Matrix<std::uint8_t> activations(m, k);
  for (auto& a : activations.values()) {
    a = static_cast<std::uint8_t>(value(rng));
  }
  return activations;
}

// The array's output restricted to the tile's columns.
Matrix<std::int32_t> FirstColumns(const Matrix<std::int32_t>& output, int cols) {
  Matrix<std::int32_t> result(output.rows(), cols);
  for (int m = 0; m < output.rows(); ++m) {
    for (int n = 0; n < cols; ++n) {
      result(m, n) = output(m, n);
    }
  }
  return result;
}

}  // namespace

TEST_CASE("an array matches the integer reference on random tiles", "[tb]") {
  const int size = GENERATE(4, 8, 16);
  const std::uint64_t seed = GENERATE(1, 2, 3);
  CAPTURE(size, seed);
  if (!powersel::tb::testing::ArrayBuilt({size, size})) {
    return;
  }
  std::mt19937_64 rng(seed);
  Harness harness({.shape = {size, size}});
  for (int tile = 0; tile < 5; ++tile) {
    CAPTURE(tile);
    const auto weights = RandomWeights(size, size, rng);
    const auto activations = RandomActivations(3 * size, size, rng);
    harness.LoadWeights(weights);
    REQUIRE(harness.Stream(activations) == ReferenceTile(activations, weights));
  }
}

TEST_CASE("partial tiles leave the unused PEs at weight zero", "[tb]") {
  std::mt19937_64 rng(7);
  Harness harness({.shape = {8, 8}});
  // A full tile first, so stale weights would show if the partial load kept them.
  harness.LoadWeights(RandomWeights(8, 8, rng));
  harness.Stream(RandomActivations(4, 8, rng));
  const auto weights = RandomWeights(5, 3, rng);
  const auto activations = RandomActivations(10, 5, rng);
  harness.LoadWeights(weights);
  const Matrix<std::int32_t> output = harness.Stream(activations);
  REQUIRE(FirstColumns(output, 3) == ReferenceTile(activations, weights));
  for (int m = 0; m < output.rows(); ++m) {
    for (int n = 3; n < 8; ++n) {
      REQUIRE(output(m, n) == 0);
    }
  }
}

TEST_CASE("idle columns of the low-power array take no valid and hold their registers", "[tb]") {
  // A 4x2 tile on the 4x4 low-power array: with its idle columns off, columns 2 and 3 see no
  // valid activation, so their clock-gated PEs neither load nor pass anything on, while the
  // tile's columns compute the reference; with them on, the same run clocks them.
  constexpr int kUsedCols = 2;
  std::mt19937_64 rng(5);
  const auto weights = RandomWeights(4, kUsedCols, rng);
  const auto activations = RandomActivations(9, 4, rng);
  auto run = [&](bool gate_idle_columns) {
    Harness harness({.shape = {4, 4},
                     .count_toggles = true,
                     .low_power_pe = true,
                     .gate_idle_columns = gate_idle_columns});
    harness.LoadWeights(weights);
    harness.ClearToggles();
    REQUIRE(FirstColumns(harness.Stream(activations), kUsedCols) ==
            ReferenceTile(activations, weights));
    return *harness.toggles();
  };
  const ToggleCounts gated = run(true);
  const ToggleCounts free = run(false);
  for (int row = 0; row < 4; ++row) {
    for (int col = 0; col < 4; ++col) {
      CAPTURE(row, col);
      const bool idle = col >= kUsedCols;
      for (const PeSignal signal :
           {PeSignal::kActivation, PeSignal::kActivationValid, PeSignal::kPsum}) {
        CHECK(gated.Pe(row, col, signal) == (idle ? 0 : free.Pe(row, col, signal)));
      }
      // Idle columns pass the activations and their valid on unless they are off (their
      // partial sums stay at the top's zero either way: their weights are 0).
      if (idle) {
        CHECK(free.Pe(row, col, PeSignal::kActivation) > 0);
        CHECK(free.Pe(row, col, PeSignal::kActivationValid) > 0);
      }
    }
  }
  CHECK_THROWS_AS(Harness({.shape = {4, 4}, .gate_idle_columns = true}), powersel::InputError);
}

TEST_CASE("a full 64-deep column at the extremes fits the 22-bit partial sum", "[tb]") {
  // 64 * 127 * 255 = 2,072,640 and 64 * -128 * 255 = -2,088,960: both inside
  // [-2,097,152, 2,097,151], so the array must return them exactly.
  if (!powersel::tb::testing::ArrayBuilt({64, 64})) {
    return;
  }
  Harness harness({.shape = {64, 64}});
  Matrix<std::int8_t> weights(64, 64);
  for (int k = 0; k < 64; ++k) {
    for (int n = 0; n < 64; ++n) {
      weights(k, n) = static_cast<std::int8_t>(n % 2 == 0 ? 127 : -128);
    }
  }
  const Matrix<std::uint8_t> activations(2, 64, 255);
  harness.LoadWeights(weights);
  const Matrix<std::int32_t> output = harness.Stream(activations);
  for (int m = 0; m < 2; ++m) {
    for (int n = 0; n < 64; ++n) {
      REQUIRE(output(m, n) == (n % 2 == 0 ? 2'072'640 : -2'088'960));
    }
  }
}

TEST_CASE("partial sums wrap like two's complement", "[tb]") {
  Harness harness({.shape = {4, 4}});
  Matrix<std::int8_t> weights(4, 4, 0);
  weights(0, 0) = 1;
  weights(0, 1) = -1;
  harness.LoadWeights(weights);
  const Matrix<std::uint8_t> activations(1, 4, 3);
  // Column 0: 2^21 - 1 + 3 wraps to -2^21 + 2. Column 1: -2^21 - 3 wraps to 2^21 - 3.
  const std::vector<std::int32_t> top = {2'097'151, -2'097'152, 0, 0};
  const Matrix<std::int32_t> output = harness.Stream(activations, top);
  CHECK(output(0, 0) == -2'097'150);
  CHECK(output(0, 1) == 2'097'149);
  CHECK(output(0, 2) == 0);
}

TEST_CASE("weight loads and streams take the documented number of cycles", "[tb]") {
  const int size = GENERATE(4, 8, 16);
  CAPTURE(size);
  const ArrayShape shape{size, size};
  if (!powersel::tb::testing::ArrayBuilt(shape)) {
    return;
  }
  Harness harness({.shape = shape});
  const std::uint64_t before_load = harness.cycles();
  harness.LoadWeights(Matrix<std::int8_t>(size, size, 1));
  CHECK(harness.cycles() - before_load == std::uint64_t(WeightLoadCycles(shape)));
  const int stream_rows = 10;
  const std::uint64_t before_stream = harness.cycles();
  harness.Stream(Matrix<std::uint8_t>(stream_rows, size, 1));
  // The last row is driven in cycle stream_rows and read PipelineLatency - 1 cycles later.
  CHECK(harness.cycles() - before_stream ==
        std::uint64_t(stream_rows - 1 + PipelineLatency(shape)));
}

TEST_CASE("tiles that do not fit the array are refused", "[tb]") {
  Harness harness({.shape = {4, 4}});
  CHECK_THROWS_AS(harness.LoadWeights(Matrix<std::int8_t>(5, 4)), powersel::InputError);
  CHECK_THROWS_AS(harness.Stream(Matrix<std::uint8_t>(3, 5)), powersel::InputError);
  CHECK_THROWS_WITH(harness.Stream(Matrix<std::uint8_t>(3, 4), std::vector<std::int32_t>(3)),
                    Catch::Contains("one per column"));
}

TEST_CASE("an array size without a compiled model is bad input", "[tb]") {
  CHECK_THROWS_WITH(Harness({.shape = {5, 5}}), Catch::Contains("no 5x5 array model"));
}

TEST_CASE("tracing writes an FST waveform", "[tb]") {
  const auto path = std::filesystem::temp_directory_path() / "powersel_trace_test.fst";
  std::filesystem::remove(path);
  {
    Harness harness({.shape = {4, 4}, .trace_file = path});
    harness.LoadWeights(Matrix<std::int8_t>(4, 4, 3));
    harness.Stream(Matrix<std::uint8_t>(6, 4, 9));
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK(std::filesystem::file_size(path) > 100);
  std::filesystem::remove(path);
}

TEST_CASE("harness options are checked before any model or file exists", "[tb]") {
  const auto shape = GENERATE(ArrayShape{0, 8}, ArrayShape{8, 0}, ArrayShape{-1, 4});
  CAPTURE(shape.rows, shape.cols);
  CHECK_THROWS_WITH(CheckHarnessOptions({.shape = shape}), Catch::Contains("at least 1"));
  CHECK_THROWS_WITH(Harness({.shape = shape}), Catch::Contains("at least 1"));
}

TEST_CASE("a waveform into a folder that does not exist is refused", "[tb]") {
  const std::filesystem::path trace = "/nonexistent-powersel-folder/wave.fst";
  CHECK_THROWS_WITH(CheckHarnessOptions({.shape = {4, 4}, .trace_file = trace}),
                    Catch::Contains("folder does not exist"));
  CHECK_THROWS_AS(Harness({.shape = {4, 4}, .trace_file = trace}), powersel::InputError);
}

TEST_CASE("tiling onto an array without rows or columns is refused, not looped forever", "[tb]") {
  CHECK_THROWS_AS(PlanTiles(25, 6, {0, 8}), powersel::InputError);
  CHECK_THROWS_AS(PlanTiles(25, 6, {8, 0}), powersel::InputError);
  CHECK(PlanTiles(25, 6, {8, 8}).size() == 4);  // ceil(25 / 8) K tiles x 1 N tile
}
