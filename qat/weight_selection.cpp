#include "powersel/qat/weight_selection.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace powersel::qat {

namespace {

constexpr int kMaxIterations = 100;

int Index(int code) {
  return code + 128;
}

// E(code) over its mean among the candidates, so that lambda is in squared code steps.
std::vector<double> NormalisedEnergy(std::span<const double> energy,
                                     const std::vector<std::uint8_t>& candidate) {
  double sum = 0;
  int n = 0;
  for (int i = 0; i < kCodes; ++i) {
    if (candidate[static_cast<std::size_t>(i)] != 0) {
      sum += energy[static_cast<std::size_t>(i)];
      ++n;
    }
  }
  const double mean = n > 0 && sum > 0 ? sum / n : 1.0;
  std::vector<double> normalised(kCodes);
  for (int i = 0; i < kCodes; ++i) {
    normalised[static_cast<std::size_t>(i)] = energy[static_cast<std::size_t>(i)] / mean;
  }
  return normalised;
}

// The trade-off's terms: lambda, E(code) over its mean, each code's sensitivity.
struct Tradeoff {
  double energy_weight = 0;
  std::vector<double> energy;
  std::vector<double> sensitivity;
};

double Cost(int code, int value, const Tradeoff& tradeoff) {
  const double step = code - value;
  return tradeoff.sensitivity[static_cast<std::size_t>(Index(code))] * step * step +
         tradeoff.energy_weight * tradeoff.energy[static_cast<std::size_t>(Index(value))];
}

std::vector<double> Sensitivity(std::span<const double> sensitivity) {
  if (sensitivity.empty()) {
    return std::vector<double>(kCodes, 1.0);
  }
  if (sensitivity.size() != kCodes) {
    throw std::invalid_argument("weight selection: a sensitivity for each of the 256 codes");
  }
  for (const double s : sensitivity) {
    if (!(s >= 0)) {
      throw std::invalid_argument("weight selection: sensitivities must be >= 0");
    }
  }
  return {sensitivity.begin(), sensitivity.end()};
}

CodeMap Assign(std::span<const std::int8_t> values, const Tradeoff& tradeoff) {
  CodeMap map{};
  for (int code = -128; code < 128; ++code) {
    double best = std::numeric_limits<double>::infinity();
    for (const std::int8_t value : values) {
      const double cost = Cost(code, value, tradeoff);
      if (cost < best) {
        best = cost;
        map[static_cast<std::size_t>(Index(code))] = value;
      }
    }
  }
  return map;
}

}  // namespace

CodeMap MapCodes(std::span<const std::int8_t> values, std::span<const double> energy,
                 double energy_weight, std::span<const double> sensitivity) {
  if (energy.size() != kCodes || values.empty()) {
    throw std::invalid_argument("MapCodes: 256 energies and at least one value");
  }
  const std::vector<std::uint8_t> every(kCodes, 1);
  return Assign(values, {energy_weight, NormalisedEnergy(energy, every), Sensitivity(sensitivity)});
}

WeightSet SelectWeightSet(std::span<const double> counts, std::span<const double> energy,
                          const WeightSetSpec& spec) {
  if (counts.size() != kCodes || energy.size() != kCodes) {
    throw std::invalid_argument("SelectWeightSet: counts and energies of all 256 codes");
  }
  if (spec.set_size < 2 || spec.set_size > kCodes) {
    throw std::invalid_argument("SelectWeightSet: set_size must be 2..256");
  }
  std::vector<std::uint8_t> candidate =
      spec.candidates.empty() ? std::vector<std::uint8_t>(kCodes, 1) : spec.candidates;
  if (candidate.size() != kCodes) {
    throw std::invalid_argument("SelectWeightSet: candidates of all 256 codes");
  }
  candidate[static_cast<std::size_t>(Index(0))] = 1;
  const int candidates = static_cast<int>(std::count(candidate.begin(), candidate.end(), 1));
  if (candidates < 2) {
    throw std::invalid_argument("SelectWeightSet: no candidate value besides 0");
  }
  const Tradeoff tradeoff{spec.energy_weight, NormalisedEnergy(energy, candidate),
                          Sensitivity(spec.sensitivity)};
  const int size = std::min(spec.set_size, candidates);

  // Start greedily: from {0}, add the candidate that lowers the weights' cost the most, until
  // the set is full or no candidate lowers it (quantile starts leave Lloyd in poor local
  // minima on peaked layers; a value no weight goes to would only look like a choice).
  std::vector<std::int8_t> values = {0};
  std::vector<double> best(kCodes);
  for (int code = -128; code < 128; ++code) {
    best[static_cast<std::size_t>(Index(code))] = Cost(code, 0, tradeoff);
  }
  while (static_cast<int>(values.size()) < size) {
    double best_gain = -1;
    int chosen = 0;
    for (int value = -128; value < 128; ++value) {
      if (candidate[static_cast<std::size_t>(Index(value))] == 0 ||
          std::find(values.begin(), values.end(), value) != values.end()) {
        continue;
      }
      double gain = 0;
      for (int code = -128; code < 128; ++code) {
        const double n = counts[static_cast<std::size_t>(Index(code))];
        if (n > 0) {
          gain += n * std::max(0.0, best[static_cast<std::size_t>(Index(code))] -
                                        Cost(code, value, tradeoff));
        }
      }
      if (gain > best_gain) {
        best_gain = gain;
        chosen = value;
      }
    }
    if (best_gain <= 0) {
      break;
    }
    values.push_back(static_cast<std::int8_t>(chosen));
    for (int code = -128; code < 128; ++code) {
      double& cost = best[static_cast<std::size_t>(Index(code))];
      cost = std::min(cost, Cost(code, chosen, tradeoff));
    }
  }

  CodeMap map = Assign(values, tradeoff);
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    bool moved = false;
    for (std::int8_t& value : values) {
      if (value == 0) {
        continue;
      }
      // The candidate that serves this value's weights best, among those no other value holds.
      double weight_count = 0;
      for (int code = -128; code < 128; ++code) {
        if (map[static_cast<std::size_t>(Index(code))] == value) {
          weight_count += counts[static_cast<std::size_t>(Index(code))];
        }
      }
      if (weight_count == 0) {
        continue;
      }
      double best_cost = std::numeric_limits<double>::infinity();
      int best = value;
      for (int target = -128; target < 128; ++target) {
        if (candidate[static_cast<std::size_t>(Index(target))] == 0 ||
            (target != value && std::find(values.begin(), values.end(), target) != values.end())) {
          continue;
        }
        double cost = 0;
        for (int code = -128; code < 128; ++code) {
          const double n = counts[static_cast<std::size_t>(Index(code))];
          if (n > 0 && map[static_cast<std::size_t>(Index(code))] == value) {
            cost += n * Cost(code, target, tradeoff);
          }
        }
        if (cost < best_cost - 1e-9) {
          best_cost = cost;
          best = target;
        }
      }
      if (best != value) {
        for (auto& mapped : map) {
          if (mapped == value) {
            mapped = static_cast<std::int8_t>(best);
          }
        }
        value = static_cast<std::int8_t>(best);
        moved = true;
      }
    }
    const CodeMap reassigned = Assign(values, tradeoff);
    if (!moved && reassigned == map) {
      break;
    }
    map = reassigned;
  }

  WeightSet set;
  set.values = values;
  std::sort(set.values.begin(), set.values.end());
  set.map = map;
  for (int code = -128; code < 128; ++code) {
    const double n = counts[static_cast<std::size_t>(Index(code))];
    const int value = map[static_cast<std::size_t>(Index(code))];
    set.squared_error += n * (code - value) * (code - value);
    set.energy += n * energy[static_cast<std::size_t>(Index(value))];
  }
  return set;
}

}  // namespace powersel::qat
