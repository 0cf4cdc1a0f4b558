// The simulation-speed benchmark: MACs per second of the Verilated array, plain and with
// the toggle counter sampling every cycle.
#pragma once

#include <cstdint>
#include <vector>

#include "powersel/tb/array_shape.hpp"

namespace powersel::tb {

struct BenchSpec {
  std::vector<ArrayShape> shapes;
  std::uint64_t cycles_per_run = 20000;
  int repetitions = 3;  // plain and counting runs alternate; medians are reported
  std::uint64_t seed = 1;
};

struct BenchResult {
  ArrayShape shape;
  std::uint64_t cycles = 0;
  double plain_macs_per_s = 0;     // PE-cycles per second, each PE doing one MAC a cycle
  double counting_macs_per_s = 0;  // the same with the toggle counter sampling every cycle
  double slowdown() const { return plain_macs_per_s / counting_macs_per_s; }
};

std::vector<BenchResult> RunBenchmark(const BenchSpec& spec);

}  // namespace powersel::tb
