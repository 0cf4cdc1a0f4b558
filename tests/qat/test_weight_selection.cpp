// The allowed-set selection against cases worked out by hand.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "powersel/qat/weight_selection.hpp"

using powersel::qat::kCodes;
using powersel::qat::MapCodes;
using powersel::qat::SelectWeightSet;
using powersel::qat::WeightSet;
using powersel::qat::WeightSetSpec;

namespace {

std::vector<double> Flat(double value) {
  return std::vector<double>(kCodes, value);
}

double& At(std::vector<double>& v, int code) {
  return v[static_cast<std::size_t>(code + 128)];
}

}  // namespace

TEST_CASE("without an energy term the set recovers codes the weights already take", "[qat]") {
  std::vector<double> counts = Flat(0);
  for (const int code : {-50, -7, 0, 3, 20, 90}) {
    At(counts, code) = 100 + code * code;
  }
  const WeightSet set = SelectWeightSet(counts, Flat(1), {.set_size = 6});
  CHECK(set.values == std::vector<std::int8_t>{-50, -7, 0, 3, 20, 90});
  CHECK(set.squared_error == 0);
  CHECK(set.map[static_cast<std::size_t>(3 + 128)] == 3);
  CHECK(set.map[static_cast<std::size_t>(19 + 128)] == 20);  // the nearest value
}

TEST_CASE("the energy term moves a value to a cheaper code nearby", "[qat]") {
  // All weights at 3; 3 is dear, 4 cheap, everything else in between.
  std::vector<double> counts = Flat(0);
  At(counts, 3) = 1000;
  At(counts, 0) = 10;
  std::vector<double> energy = Flat(1.0);
  At(energy, 3) = 3.0;
  At(energy, 4) = 0.1;
  At(energy, 0) = 0.1;
  const WeightSet exact = SelectWeightSet(counts, energy, {.set_size = 2});
  CHECK(exact.values == std::vector<std::int8_t>{0, 3});
  // lambda 2: moving to 4 costs 1 code step squared and saves 2 * (3.0 - 0.1) / mean (about
  // 1) of energy: 4 wins.
  const WeightSet cheap = SelectWeightSet(counts, energy, {.set_size = 2, .energy_weight = 2});
  CHECK(cheap.values == std::vector<std::int8_t>{0, 4});
  CHECK(cheap.energy < exact.energy);
  CHECK(cheap.squared_error == 1000);
}

TEST_CASE("a larger energy weight buys energy with quantisation error", "[qat]") {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> bell(0, 30);
  std::vector<double> counts = Flat(0);
  for (int i = 0; i < 20000; ++i) {
    At(counts, static_cast<int>(std::clamp(std::lround(bell(rng)), -127L, 127L))) += 1;
  }
  std::vector<double> energy = Flat(0);
  for (int code = -128; code < 128; ++code) {
    // Dear small negatives, cheap powers of two, zero cheapest: the table's shape.
    const bool power_of_two = code > 0 && (code & (code - 1)) == 0;
    At(energy, code) = code == 0 ? 0.2 : power_of_two ? 0.6 : code < 0 && code > -8 ? 2.0 : 1.0;
  }
  const WeightSet plain = SelectWeightSet(counts, energy, {.set_size = 16});
  const WeightSet aware = SelectWeightSet(counts, energy, {.set_size = 16, .energy_weight = 200});
  CHECK(aware.energy < plain.energy);
  CHECK(aware.squared_error > plain.squared_error);
  for (const WeightSet* set : {&plain, &aware}) {
    CHECK(std::count(set->values.begin(), set->values.end(), 0) == 1);
    CHECK(set->values.size() <= 16);
    // Every value serves some weight: the set holds no dead entries.
    for (const std::int8_t value : set->values) {
      CHECK(std::find(set->map.begin(), set->map.end(), value) != set->map.end());
    }
    CHECK(std::is_sorted(set->values.begin(), set->values.end()));
  }
}

TEST_CASE("candidates restrict the values; bad inputs are refused", "[qat]") {
  std::vector<double> counts = Flat(1);
  std::vector<std::uint8_t> candidates(kCodes, 0);
  for (const int code : {-64, -8, 16, 32}) {
    candidates[static_cast<std::size_t>(code + 128)] = 1;
  }
  const WeightSet set = SelectWeightSet(counts, Flat(1), {.set_size = 8, .candidates = candidates});
  CHECK(set.values == std::vector<std::int8_t>{-64, -8, 0, 16, 32});  // all five, 0 added
  const std::vector<std::int8_t> values = {-1, 0, 1};
  CHECK(MapCodes(values, Flat(1), 0)[static_cast<std::size_t>(100 + 128)] == 1);

  CHECK_THROWS_AS(SelectWeightSet(counts, Flat(1), {.set_size = 1}), std::invalid_argument);
  CHECK_THROWS_AS(SelectWeightSet(std::vector<double>(3, 1), Flat(1), {}), std::invalid_argument);
  CHECK_THROWS_AS(
      SelectWeightSet(counts, Flat(1), {.candidates = std::vector<std::uint8_t>(kCodes, 0)}),
      std::invalid_argument);
}

TEST_CASE("a sensitive code holds its value where an insensitive one moves", "[qat]") {
  // Two values' weights, at 3 and at 40; both codes dear, their neighbours 4 and 41 cheap.
  std::vector<double> counts = Flat(0);
  At(counts, 3) = 500;
  At(counts, 40) = 500;
  std::vector<double> energy = Flat(1.0);
  At(energy, 3) = 3.0;
  At(energy, 40) = 3.0;
  At(energy, 4) = 0.1;
  At(energy, 41) = 0.1;
  // lambda 2: a step costs its sensitivity and saves 2 * 2.9 / mean (about 1) of energy. At
  // sensitivity 1 both move; at 10 for the weights at 40 (their inputs are large) the step
  // costs 10 and 40 stays.
  const WeightSet alike = SelectWeightSet(counts, energy, {.set_size = 3, .energy_weight = 2});
  CHECK(alike.values == std::vector<std::int8_t>{0, 4, 41});
  std::vector<double> sensitivity = Flat(1.0);
  At(sensitivity, 40) = 10;
  const WeightSet weighed = SelectWeightSet(
      counts, energy, {.set_size = 3, .energy_weight = 2, .sensitivity = sensitivity});
  CHECK(weighed.values == std::vector<std::int8_t>{0, 4, 40});
  CHECK(MapCodes(weighed.values, energy, 2, sensitivity)[40 + 128] == 40);
  // Refused: the wrong length, a negative sensitivity.
  CHECK_NOTHROW(SelectWeightSet(counts, energy, {.set_size = 3, .sensitivity = Flat(1.0)}));
  CHECK_THROWS_AS(
      SelectWeightSet(counts, energy, {.set_size = 3, .sensitivity = std::vector<double>(3, 1.0)}),
      std::invalid_argument);
  CHECK_THROWS_AS(SelectWeightSet(counts, energy, {.set_size = 3, .sensitivity = Flat(-1.0)}),
                  std::invalid_argument);
}
