// Rank statistics against hand calculations.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "powersel/common/statistics.hpp"

using powersel::PearsonR;
using powersel::SpearmanRho;
using powersel::SwappedPairFraction;

TEST_CASE("Spearman's rho gives tied values their mean rank", "[common][statistics]") {
  // Ranks of b: 5 -> 1, 6 -> 2, the two 7s -> 3.5, 8 -> 5. Against ranks 1..5 (mean 3):
  // covariance 4 + 1 + 0 + 2 + 1 = 8, variances 10 and 9.5, so rho = 8 / sqrt(95).
  const std::vector<double> a = {1, 2, 3, 4, 5};
  const std::vector<double> b = {5, 6, 7, 8, 7};
  CHECK(SpearmanRho(a, b) == Approx(8 / std::sqrt(95.0)));
}

TEST_CASE("Spearman's rho only sees the order", "[common][statistics]") {
  const std::vector<double> a = {1, 2, 3, 4};
  CHECK(SpearmanRho(a, std::vector<double>{1, 10, 100, 1000}) == Approx(1.0));
  CHECK(SpearmanRho(a, std::vector<double>{9, 3, 2, -7}) == Approx(-1.0));
  // Pearson sees the curvature: 1, 10, 100, 1000 is far from a line.
  CHECK(PearsonR(a, std::vector<double>{1, 10, 100, 1000}) < 0.9);
}

TEST_CASE("a constant series has no correlation, mismatched series are refused",
          "[common][statistics]") {
  CHECK(std::isnan(PearsonR(std::vector<double>{1, 2, 3}, std::vector<double>{4, 4, 4})));
  CHECK(std::isnan(SpearmanRho(std::vector<double>{1, 2, 3}, std::vector<double>{4, 4, 4})));
  CHECK_THROWS(SpearmanRho(std::vector<double>{1, 2}, std::vector<double>{1, 2, 3}));
  CHECK_THROWS(PearsonR(std::vector<double>{1}, std::vector<double>{1}));
}

TEST_CASE("swapped pairs count the pairs ordered oppositely", "[common][statistics]") {
  // Pairs (0,1) and (0,2) agree, (1,2) is swapped: one of three.
  CHECK(SwappedPairFraction(std::vector<double>{1, 2, 3}, std::vector<double>{1, 3, 2}) ==
        Approx(1.0 / 3));
  CHECK(SwappedPairFraction(std::vector<double>{1, 2}, std::vector<double>{5, 5}) == 0.5);
  CHECK(SwappedPairFraction(std::vector<double>{1, 2, 3}, std::vector<double>{3, 2, 1}) == 1.0);
}
