// A run reduced to classes: the weight-load cycles of a 2x2 array worked out by hand.
#include <algorithm>
#include <catch2/catch.hpp>
#include <utility>
#include <vector>

#include "powersel/model/array_streams.hpp"
#include "powersel/model/pe_activity.hpp"

using powersel::Matrix;
using powersel::model::ArrayStreamModel;
using powersel::model::GroupingSpec;
using powersel::model::PeActivity;
using powersel::model::TransitionClasses;

namespace {

Matrix<std::int8_t> Tile(std::int8_t top_left, std::int8_t top_right, std::int8_t bottom_left,
                         std::int8_t bottom_right) {
  Matrix<std::int8_t> tile(2, 2);
  tile(0, 0) = top_left;
  tile(0, 1) = top_right;
  tile(1, 0) = bottom_left;
  tile(1, 1) = bottom_right;
  return tile;
}

// The (before, after) register pairs PE `pe` saw while loading, sorted.
std::vector<std::pair<int, int>> LoadPairs(const PeActivity& activity, int pe) {
  std::vector<std::pair<int, int>> pairs;
  for (const PeActivity::LoadCount& load : activity.Loads(pe)) {
    REQUIRE(load.load_class < TransitionClasses::kLoadPairs);  // zero activation
    for (std::uint64_t n = 0; n < load.cycles; ++n) {
      pairs.emplace_back(static_cast<std::int8_t>(load.load_class >> 8),
                         static_cast<std::int8_t>(load.load_class & 0xff));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace

TEST_CASE("load cycles are the weight register's transitions while weights shift", "[model]") {
  const powersel::tb::ArrayShape shape{2, 2};
  const TransitionClasses classes(GroupingSpec{});
  ArrayStreamModel array({.shape = shape});
  const Matrix<std::int8_t> first = Tile(1, 2, 3, 4);
  const Matrix<std::int8_t> second = Tile(5, 6, 7, 8);
  PeActivity activity(shape, classes);
  std::vector<std::int8_t> weights(4, 0);
  const auto observe = [&](std::span<const powersel::tb::PeInputs> pes) {
    activity.Observe(pes, weights);
  };
  array.LoadWeights(first, observe);
  weights = first.values();
  array.Stream(Matrix<std::uint8_t>(1, 2, 0), {}, observe);
  activity = activity.Continuation();  // count the second load alone
  array.LoadWeights(second, observe);
  array.Flush(observe);

  // The bottom row's weights enter first. Each PE's register first holds its old weight for
  // the cycle the shift starts, then takes what the PE above held, then the new weights
  // bottom first, down to its own: rows + 1 load cycles.
  // PE (0, 0): 1 -> 1, 1 -> 7, 7 -> 5.   PE (1, 0): 3 -> 3, 3 -> 1, 1 -> 7.
  using Pairs = std::vector<std::pair<int, int>>;
  CHECK(LoadPairs(activity, 0) == Pairs{{1, 1}, {1, 7}, {7, 5}});
  CHECK(LoadPairs(activity, 1) == Pairs{{2, 2}, {2, 8}, {8, 6}});
  CHECK(LoadPairs(activity, 2) == Pairs{{1, 7}, {3, 1}, {3, 3}});
  CHECK(LoadPairs(activity, 3) == Pairs{{2, 8}, {4, 2}, {4, 4}});
  CHECK(activity.LoadCycles(0) == 3);
}
