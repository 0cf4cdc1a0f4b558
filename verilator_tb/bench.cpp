#include "powersel/tb/bench.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "powersel/tb/harness.hpp"

namespace powersel::tb {

namespace {

// Streams long enough that tile switching (weight load, drain) is a small share, as in a
// convolution layer.
constexpr int kStreamRowsPerTile = 256;

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Simulates about `cycles` cycles of full-tile work and returns the seconds it took.
double TimeRun(ArrayShape shape, bool count_toggles, std::uint64_t cycles, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> weight(-128, 127);
  std::uniform_int_distribution<int> activation(0, 255);
  Matrix<std::int8_t> weights(shape.rows, shape.cols);
  Matrix<std::uint8_t> activations(kStreamRowsPerTile, shape.rows);
  for (auto& w : weights.values()) {
    w = static_cast<std::int8_t>(weight(rng));
  }
  for (auto& a : activations.values()) {
    a = static_cast<std::uint8_t>(activation(rng));
  }
  Harness harness({.shape = shape, .count_toggles = count_toggles});
  const auto start = std::chrono::steady_clock::now();
  while (harness.cycles() < cycles) {
    harness.LoadWeights(weights);
    harness.Stream(activations);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() *
         static_cast<double>(cycles) / static_cast<double>(harness.cycles());
}

}  // namespace

std::vector<BenchResult> RunBenchmark(const BenchSpec& spec) {
  std::vector<BenchResult> results;
  for (const ArrayShape& shape : spec.shapes) {
    std::vector<double> plain;
    std::vector<double> counting;
    // Alternate the two so that drift in machine speed hits both alike.
    for (int repetition = 0; repetition < spec.repetitions; ++repetition) {
      plain.push_back(TimeRun(shape, false, spec.cycles_per_run, spec.seed));
      counting.push_back(TimeRun(shape, true, spec.cycles_per_run, spec.seed));
    }
    const double pe_cycles =
        static_cast<double>(spec.cycles_per_run) * shape.rows * static_cast<double>(shape.cols);
    results.push_back(
        {shape, spec.cycles_per_run, pe_cycles / Median(plain), pe_cycles / Median(counting)});
  }
  return results;
}

}  // namespace powersel::tb
