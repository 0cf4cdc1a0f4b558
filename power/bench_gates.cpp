#include "powersel/power/bench_gates.hpp"

#include <chrono>
#include <random>

#include "powersel/power/gate_pe.hpp"
#include "powersel/power/synth.hpp"
#include "powersel/tb/array_shape.hpp"
#include "powersel/tb/bench.hpp"
#include "powersel/tb/regression.hpp"

namespace powersel::power {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<tb::PeInputs> RandomStream(std::size_t cycles, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<tb::PeInputs> stream(cycles);
  for (tb::PeInputs& in : stream) {
    in.act = static_cast<std::uint8_t>(rng());
    in.act_valid = true;
    in.psum = static_cast<std::int32_t>(rng() % (1U << tb::kPsumBits)) - (1 << (tb::kPsumBits - 1));
    in.weight = static_cast<std::int8_t>(rng());
    in.shift = rng() % 64 == 0;
  }
  return stream;
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double TimeVerilatedPe(std::unique_ptr<tb::PeModel> model,
                       const std::vector<tb::PeInputs>& stream) {
  const auto start = Clock::now();
  for (const tb::PeInputs& in : stream) {
    model->Step(in);
  }
  return static_cast<double>(stream.size()) / Seconds(start);
}

}  // namespace

GateBenchResult RunGateBenchmark(std::uint64_t pe_cycles, std::uint64_t seed) {
  GateBenchResult result;
  result.pe_cycles = pe_cycles;
  const Library library = ReadLiberty(kDefaultLiberty);
  const GateNetlist netlist =
      ReadGateNetlist(DefaultMappedDesign().netlist_json, "ws_pe_gates", library);

  // The gate-level simulator steps 64 PEs per cycle, each lane its own stream position.
  const std::size_t steps = pe_cycles / GatePe::kLanes;
  const std::vector<tb::PeInputs> stream = RandomStream(steps + GatePe::kLanes, seed);
  GatePe gates(netlist, library, GateEnergyOptions{}, GatePe::kLanes);
  const auto start = Clock::now();
  for (std::size_t step = 0; step < steps; ++step) {
    gates.Step({stream.data() + step % GatePe::kLanes, GatePe::kLanes});
  }
  result.gate_simulator_pe_cycles_per_s =
      static_cast<double>(steps * GatePe::kLanes) / Seconds(start);

  // The timed measurement on the same streams and lanes, right after, on the same core. Its
  // delays come from OpenSTA (cached beside the netlist); a cache hit only hashes.
  const NetlistDelays delays =
      StaticPeDelays(DefaultMappedDesign(), kDefaultLiberty, netlist, library, GateEnergyOptions{});
  GatePe timed(netlist, library, GateEnergyOptions{}, GatePe::kLanes, &delays);
  const std::size_t timed_steps = std::max<std::size_t>(1, steps / 16);  // it is slower
  const auto timed_start = Clock::now();
  for (std::size_t step = 0; step < timed_steps; ++step) {
    timed.Step({stream.data() + step % GatePe::kLanes, GatePe::kLanes});
  }
  result.timed_pe_cycles_per_s =
      static_cast<double>(timed_steps * GatePe::kLanes) / Seconds(timed_start);

  const std::vector<tb::PeInputs> single = RandomStream(pe_cycles / 4, seed);
  result.verilator_gates_pe_cycles_per_s = TimeVerilatedPe(tb::PeModel::MakeGateLevel(), single);
  result.verilator_rtl_pe_cycles_per_s = TimeVerilatedPe(tb::PeModel::MakeRtl(), single);

  tb::BenchSpec array;
  array.shapes = {{16, 16}};
  array.cycles_per_run = std::max<std::uint64_t>(1000, pe_cycles / 256);
  array.repetitions = 1;
  array.seed = seed;
  result.rtl_array_pe_cycles_per_s = tb::RunBenchmark(array).front().plain_macs_per_s;
  return result;
}

}  // namespace powersel::power
