// Timed against zero-delay characterisation: how much glitches add, and how far they reorder
// the weights (the order is what the weight selection acts on).
#include <algorithm>
#include <numeric>

#include "powersel/common/statistics.hpp"
#include "powersel/power/characterize.hpp"

namespace powersel::power {

namespace {

constexpr int kDearest = 5;

std::vector<int> Dearest(const std::vector<double>& energy) {
  std::vector<int> weights(energy.size());
  std::iota(weights.begin(), weights.end(), -128);
  std::stable_sort(weights.begin(), weights.end(), [&](int a, int b) {
    return energy[static_cast<std::size_t>(a + 128)] > energy[static_cast<std::size_t>(b + 128)];
  });
  weights.resize(kDearest);
  return weights;
}

}  // namespace

ModeComparison CompareMeasurements(const CharacterizeResult& result, const std::string& stimulus) {
  std::vector<double> timed;
  std::vector<double> zero_delay;
  ModeComparison comparison;
  comparison.stimulus = stimulus;
  for (int weight = -128; weight < 128; ++weight) {
    timed.push_back(result.Energy(weight, stimulus));
    zero_delay.push_back(result.ZeroDelayEnergy(weight, stimulus));
    comparison.mean_glitch_share += (timed.back() - zero_delay.back()) / timed.back();
  }
  const auto weights = static_cast<double>(timed.size());
  comparison.mean_glitch_share /= weights;
  comparison.mean_timed_fj = std::accumulate(timed.begin(), timed.end(), 0.0) / weights;
  comparison.mean_zero_delay_fj =
      std::accumulate(zero_delay.begin(), zero_delay.end(), 0.0) / weights;
  comparison.spearman_rho = SpearmanRho(timed, zero_delay);
  comparison.swapped_pairs = SwappedPairFraction(timed, zero_delay);
  comparison.dearest_timed = Dearest(timed);
  comparison.dearest_zero_delay = Dearest(zero_delay);
  return comparison;
}

}  // namespace powersel::power
