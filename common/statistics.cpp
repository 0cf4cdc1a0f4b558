#include "powersel/common/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace powersel {

namespace {

void CheckPair(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size() || a.size() < 2) {
    throw std::invalid_argument("rank statistics need two series of the same length >= 2");
  }
}

// 1-based ranks, ties given the mean of the ranks they span.
std::vector<double> Ranks(std::span<const double> values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return values[x] < values[y]; });
  std::vector<double> ranks(values.size());
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first;
    while (last + 1 < order.size() && values[order[last + 1]] == values[order[first]]) {
      ++last;
    }
    const double mean_rank = (static_cast<double>(first + last) / 2) + 1;
    for (std::size_t i = first; i <= last; ++i) {
      ranks[order[i]] = mean_rank;
    }
    first = last + 1;
  }
  return ranks;
}

}  // namespace

double PearsonR(std::span<const double> a, std::span<const double> b) {
  CheckPair(a, b);
  const auto n = static_cast<double>(a.size());
  const double mean_a = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mean_b = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double covariance = 0;
  double variance_a = 0;
  double variance_b = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    covariance += (a[i] - mean_a) * (b[i] - mean_b);
    variance_a += (a[i] - mean_a) * (a[i] - mean_a);
    variance_b += (b[i] - mean_b) * (b[i] - mean_b);
  }
  if (variance_a == 0 || variance_b == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return covariance / std::sqrt(variance_a * variance_b);
}

double SpearmanRho(std::span<const double> a, std::span<const double> b) {
  CheckPair(a, b);
  const std::vector<double> rank_a = Ranks(a);
  const std::vector<double> rank_b = Ranks(b);
  return PearsonR(rank_a, rank_b);
}

double SwappedPairFraction(std::span<const double> a, std::span<const double> b) {
  CheckPair(a, b);
  auto sign = [](double x) { return (x > 0) - (x < 0); };
  double swapped = 0;
  std::size_t pairs = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = i + 1; j < a.size(); ++j) {
      const int order_a = sign(a[i] - a[j]);
      const int order_b = sign(b[i] - b[j]);
      swapped += order_a == order_b ? 0.0 : (order_a == 0 || order_b == 0 ? 0.5 : 1.0);
      ++pairs;
    }
  }
  return swapped / static_cast<double>(pairs);
}

}  // namespace powersel
