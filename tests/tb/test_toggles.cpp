// The C++ toggle counter against an independent count: Verilator's own --coverage-toggle.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "powersel/tb/harness.hpp"

using powersel::Matrix;
using namespace powersel::tb;

namespace {

void RunRandomTiles(Harness& harness, std::uint64_t seed, int tiles) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> weight(-128, 127);
  std::uniform_int_distribution<int> activation(0, 255);
  const ArrayShape shape = harness.shape();
  for (int tile = 0; tile < tiles; ++tile) {
    Matrix<std::int8_t> weights(shape.rows, shape.cols);
    for (auto& w : weights.values()) {
      w = static_cast<std::int8_t>(weight(rng));
    }
    Matrix<std::uint8_t> activations(2 * shape.rows + tile, shape.rows);
    for (auto& a : activations.values()) {
      a = static_cast<std::uint8_t>(activation(rng));
    }
    harness.LoadWeights(weights);
    harness.Stream(activations);
  }
}

}  // namespace

TEST_CASE("the toggle counter equals Verilator's toggle coverage per PE and signal", "[tb]") {
  const std::uint64_t seed = GENERATE(11, 12);
  CAPTURE(seed);
  const auto coverage_file =
      std::filesystem::temp_directory_path() / ("powersel_coverage_" + std::to_string(seed));
  Harness harness({.shape = {4, 4}, .count_toggles = true, .coverage_model = true});
  RunRandomTiles(harness, seed, 6);
  harness.WriteCoverage(coverage_file);
  const ToggleCounts coverage = ReadToggleCoverage(coverage_file, {4, 4});
  std::filesystem::remove(coverage_file);
  const ToggleCounts& counted = *harness.toggles();

  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      for (int s = 0; s < kPeSignalCount; ++s) {
        CAPTURE(r, c, kPeSignalNames[s]);
        const auto signal = static_cast<PeSignal>(s);
        // Both must have seen activity, or the comparison would prove nothing.
        REQUIRE(coverage.Pe(r, c, signal) > 0);
        REQUIRE(counted.Pe(r, c, signal) == coverage.Pe(r, c, signal));
      }
    }
  }
  for (int r = 0; r < 4; ++r) {
    CAPTURE(r);
    REQUIRE(coverage.input_skew[r] > 0);
    CHECK(counted.input_skew[r] == coverage.input_skew[r]);
  }
  // The last column leaves without delay: it has no de-skew register.
  for (int c = 0; c < 3; ++c) {
    CAPTURE(c);
    REQUIRE(coverage.output_deskew[c] > 0);
    CHECK(counted.output_deskew[c] == coverage.output_deskew[c]);
  }
  CHECK(counted.output_deskew[3] == 0);
  REQUIRE(coverage.load_path > 0);
  CHECK(counted.load_path == coverage.load_path);
}

TEST_CASE("toggles of a hand-made stream match a hand count", "[tb]") {
  // All weights zero and activations alternating 0x00 / 0xFF on row 0 only: every PE of row 0
  // sees its activation register flip 8 bits per row, and no product or psum ever changes.
  Harness harness({.shape = {4, 4}, .count_toggles = true});
  harness.LoadWeights(Matrix<std::int8_t>(4, 4, 0));
  harness.ClearToggles();
  Matrix<std::uint8_t> activations(6, 4, 0);
  for (int m = 0; m < 6; m += 2) {
    activations(m, 0) = 0xFF;
  }
  harness.Stream(activations);
  const ToggleCounts& counts = *harness.toggles();
  // Six rows alternate FF,00,FF,00,FF,00, then idle zeros: 6 changes of 8 bits per PE.
  for (int c = 0; c < 4; ++c) {
    CAPTURE(c);
    CHECK(counts.Pe(0, c, PeSignal::kActivation) == 6 * 8);
    // The valid bit rises once and falls once per PE.
    CHECK(counts.Pe(0, c, PeSignal::kActivationValid) == 2);
    CHECK(counts.Pe(1, c, PeSignal::kActivation) == 0);
  }
  CHECK(counts.Total(PeSignal::kProduct) == 0);
  CHECK(counts.Total(PeSignal::kPsum) == 0);
  CHECK(counts.Total(PeSignal::kWeight) == 0);
}

TEST_CASE("clearing forgets counts but keeps the reference state", "[tb]") {
  Harness harness({.shape = {4, 4}, .count_toggles = true});
  harness.LoadWeights(Matrix<std::int8_t>(4, 4, 5));
  REQUIRE(harness.toggles()->Total(PeSignal::kWeight) > 0);
  harness.ClearToggles();
  CHECK(harness.toggles()->Total(PeSignal::kWeight) == 0);
  CHECK(harness.toggles()->cycles == 0);
  // Loading the same weights again shifts equal values down the columns: the weight registers
  // keep their bits, only the load path (its valid and its row register) moves.
  harness.LoadWeights(Matrix<std::int8_t>(4, 4, 5));
  CHECK(harness.toggles()->Total(PeSignal::kWeight) == 0);
  CHECK(harness.toggles()->Total(EdgeSignal::kLoadPath) > 0);
}

TEST_CASE("the toggle counter equals a member-by-member count on every array size", "[tb]") {
  // The coverage check above runs on the flattened 4x4 coverage model; the models that
  // measure (every plain size, up to 64x64) lay their signals out differently in memory, and
  // the counter merges whatever lies close together. Here an independent count reads each
  // signal through its generated member name, byte by byte, masked to its declared width.
  const ArrayShape shape = GENERATE(from_range(AvailableShapes()));
  CAPTURE(shape.rows, shape.cols);
  Harness harness({.shape = shape, .count_toggles = true, .member_toggles = true});
  RunRandomTiles(harness, 21, 3);
  // Then every activation bit flips on every cycle for longer than the counter's 16-bit lanes
  // hold between flushes (8,191 samples of up to 8 flips per byte).
  constexpr int kAlternatingRows = 9000;
  Matrix<std::uint8_t> alternating(kAlternatingRows, shape.rows);
  for (int m = 0; m < kAlternatingRows; m += 2) {
    for (int r = 0; r < shape.rows; ++r) {
      alternating(m, r) = 0xFF;
    }
  }
  harness.Stream(alternating);
  const ToggleCounts& counted = *harness.toggles();
  const ToggleCounts& members = *harness.member_toggles();

  REQUIRE(counted.cycles == members.cycles);
  REQUIRE(counted.Pe(0, 0, PeSignal::kActivation) > 65535);
  for (int r = 0; r < shape.rows; ++r) {
    for (int c = 0; c < shape.cols; ++c) {
      for (int s = 0; s < kPeSignalCount; ++s) {
        const auto signal = static_cast<PeSignal>(s);
        if (counted.Pe(r, c, signal) != members.Pe(r, c, signal) || members.Pe(r, c, signal) == 0) {
          // One failure per shape is enough to find it; thousands of PEs would drown it.
          CAPTURE(r, c, kPeSignalNames[s]);
          REQUIRE(members.Pe(r, c, signal) > 0);
          REQUIRE(counted.Pe(r, c, signal) == members.Pe(r, c, signal));
        }
      }
    }
  }
  for (int e = 0; e < kEdgeSignalCount; ++e) {
    CAPTURE(kEdgeSignalNames[e]);
    REQUIRE(members.Total(static_cast<EdgeSignal>(e)) > 0);
  }
  CHECK(counted.input_skew == members.input_skew);
  CHECK(counted.output_deskew == members.output_deskew);
  CHECK(counted.load_path == members.load_path);
  CHECK(counted == members);
}
