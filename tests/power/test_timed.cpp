// The timed gate-level simulator: the delay rule on a hand-made hazard, end-of-cycle values
// equal to the zero-delay simulator's, and per-net transition counts equal to Icarus Verilog's
// on the same netlist, SDF and stimulus.
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <random>

#include "characterize_stimuli.hpp"
#include "gate_fixtures.hpp"
#include "icarus_pe.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/power/sdf.hpp"
#include "powersel/power/timed_simulator.hpp"
#include "powersel/tb/array_shape.hpp"

using namespace powersel::power;
using powersel::InputError;
using powersel::power::testing::Osu018;
using powersel::power::testing::PeNetlist;

namespace {

// a -> INVX1 -> n4; NAND2X1(A = a, B = n4) -> n5: a rising `a` makes n5 pulse low from the A
// arc's fall delay until the inverter's delay plus the B arc's rise delay.
GateNetlist Hazard() {
  GateNetlist netlist;
  netlist.module = "hazard";
  netlist.net_count = 6;
  netlist.net_names = {"0", "1", "a", "b", "n4", "n5"};
  netlist.ports = {{"a", true, {2}}, {"b", true, {3}}};
  netlist.instances = {{"inv", &Osu018().Cell("INVX1"), {2, 4}},
                       {"nand", &Osu018().Cell("NAND2X1"), {2, 4, 5}}};
  return netlist;
}

NetlistDelays HazardDelays(double nand_a_fall_ns) {
  NetlistDelays delays;
  delays.instances = {{{0, 1, "", 0.1, 0.1}},
                      {{0, 2, "", 0.08, nand_a_fall_ns}, {1, 2, "", 0.07, 0.06}}};
  return delays;
}

// The default PE's SDF from OpenSTA, cached beside the netlist (as the SDF tests have it).
const std::filesystem::path& PeSdf() {
  static const std::filesystem::path path = [] {
    const GateNetlist& netlist = PeNetlist();
    const StaticTimingSpec spec{kDefaultLiberty, DefaultMappedDesign().pe_verilog,
                                DefaultMappedDesign().netlist_json.parent_path() / "sta",
                                GateEnergyOptions{}};
    return WriteSdfWithOpenSta(netlist, Osu018(), spec,
                               PeOutputLoads(netlist, Osu018(), GateEnergyOptions{}));
  }();
  return path;
}

const NetlistDelays& PeDelays() {
  static const NetlistDelays delays = AnnotateDelays(PeNetlist(), ReadSdf(PeSdf()));
  return delays;
}

// Sets a PE netlist's input ports from one tb::PeInputs per lane, bit by bit.
template <typename Simulator>
void DrivePe(Simulator& simulator, const GateNetlist& netlist,
             std::span<const powersel::tb::PeInputs> lanes) {
  auto drive = [&](const char* port, auto field) {
    const GateNetlist::Port& found = netlist.FindPort(port);
    for (std::size_t bit = 0; bit < found.nets.size(); ++bit) {
      std::uint64_t word = 0;
      for (std::size_t lane = 0; lane < lanes.size(); ++lane) {
        word |= ((static_cast<std::uint64_t>(field(lanes[lane])) >> bit) & 1U) << lane;
      }
      simulator.SetInputBit(found.nets[bit], word);
    }
  };
  using In = powersel::tb::PeInputs;
  drive("act_i", [](const In& in) { return std::int64_t{in.act}; });
  drive("act_valid_i", [](const In& in) { return std::int64_t{in.act_valid}; });
  drive("psum_i", [](const In& in) { return std::int64_t{in.psum}; });
  drive("weight_i", [](const In& in) { return std::int64_t{in.weight}; });
  drive("wload_shift_i", [](const In& in) { return std::int64_t{in.shift}; });
  drive("rst_ni", [](const In& in) { return std::int64_t{in.rst_n}; });
}

// Per weight: two reset cycles, a weight load, then uniform activations and partial sums (the
// characterisation's "uniform" class).
constexpr int kFirstCounted = 8;
std::vector<std::vector<powersel::tb::PeInputs>> WeightStreams(const std::vector<int>& weights,
                                                               int counted_cycles) {
  const auto uniform =
      detail::MakeStimulus({"uniform", -1}, kFirstCounted - 3 + counted_cycles, 4, 2026, {});
  std::vector<std::vector<powersel::tb::PeInputs>> streams;
  for (const int weight : weights) {
    std::vector<powersel::tb::PeInputs> stream(3);
    stream[0].rst_n = stream[1].rst_n = false;
    stream[2].shift = true;
    stream[2].weight = static_cast<std::int8_t>(weight);
    stream.insert(stream.end(), uniform.begin(), uniform.end());
    streams.push_back(std::move(stream));
  }
  return streams;
}

// Runs the streams (one lane each) through a gate-level PE, counting from kFirstCounted.
void RunStreams(GatePe& pe, const std::vector<std::vector<powersel::tb::PeInputs>>& streams) {
  std::vector<powersel::tb::PeInputs> lanes(streams.size());
  for (std::size_t cycle = 0; cycle < streams.front().size(); ++cycle) {
    if (cycle == kFirstCounted) {
      pe.meter().Clear();
    }
    for (std::size_t lane = 0; lane < streams.size(); ++lane) {
      lanes[lane] = streams[lane][cycle];
    }
    pe.Step(lanes);
  }
}

// Compares per-net counts with Icarus: returns the largest difference over nets and weights.
std::uint64_t CompareWithIcarus(const std::vector<int>& weights, int counted_cycles,
                                std::uint64_t& transitions) {
  const GateNetlist& netlist = PeNetlist();
  const auto streams = WeightStreams(weights, counted_cycles);
  GatePe timed(netlist, Osu018(), GateEnergyOptions{}, static_cast<int>(weights.size()),
               &PeDelays());
  RunStreams(timed, streams);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("powersel_icarus_" + std::to_string(static_cast<long>(getpid())));
  const testing::IcarusCounts icarus = testing::RunIcarusPe(
      netlist, DefaultMappedDesign().pe_verilog, PeSdf(), streams, kFirstCounted, dir);
  CHECK(icarus.unknown_transitions == 0);
  CHECK_THAT(icarus.log, !Catch::Contains("ERROR"));  // e.g. an SDF Icarus did not take
  std::uint64_t worst = 0;
  transitions = 0;
  const int clock = netlist.FindPort("clk_i").nets.at(0);
  for (std::size_t lane = 0; lane < weights.size(); ++lane) {
    for (int net = 2; net < netlist.net_count; ++net) {
      if (net == clock) {
        continue;  // the clock is priced per cycle, not as a net
      }
      const auto n = static_cast<std::size_t>(net);
      const std::uint64_t rises = timed.meter().lane_rises(net, static_cast<int>(lane));
      const std::uint64_t falls = timed.meter().lane_falls(net, static_cast<int>(lane));
      transitions += rises + falls;
      CAPTURE(weights[lane], netlist.net_names[n]);
      CHECK(rises == icarus.rises[lane][n]);
      CHECK(falls == icarus.falls[lane][n]);
      for (const auto& [ours, theirs] :
           {std::pair{rises, icarus.rises[lane][n]}, std::pair{falls, icarus.falls[lane][n]}}) {
        worst = std::max(worst, ours > theirs ? ours - theirs : theirs - ours);
      }
    }
  }
  if (std::getenv("POWERSEL_KEEP_ICARUS") == nullptr) {  // set it to look at the VCD
    std::filesystem::remove_all(dir);
  } else {
    WARN("Icarus files kept in " << dir);
  }
  return worst;
}

}  // namespace

TEST_CASE("a pulse shorter than its arc delay is filtered, a longer one is counted",
          "[power][timed]") {
  const GateNetlist netlist = Hazard();
  const auto [nand_a_fall_ns, pulses, last_ps] =
      GENERATE(table<double, int, int>({{0.15, 0, 170}, {0.05, 1, 170}}));
  const int offset_ps = GENERATE(0, 30);  // inputs at the edge, or 30 ps after it
  CAPTURE(nand_a_fall_ns, offset_ps);
  TimedOptions options;
  options.input_offset_ps = offset_ps;
  TimedSimulator simulator(netlist, HazardDelays(nand_a_fall_ns), options);
  const NetEnergyTable table(netlist, Osu018(), GateEnergyOptions{});
  GateEnergyMeter counts(table, netlist.net_count, 2);
  REQUIRE(simulator.Value(5) == ~std::uint64_t{0});  // power-on: a = 0, so n5 = 1
  simulator.SetInputBit(2, 0b01);                    // lane 0 rises, lane 1 stays low
  simulator.Step();
  counts.Accumulate(simulator);
  CHECK(counts.lane_falls(5, 0) == static_cast<std::uint64_t>(pulses));
  CHECK(counts.lane_rises(5, 0) == static_cast<std::uint64_t>(pulses));
  CHECK(counts.lane_falls(4, 0) == 1);
  CHECK(counts.lane_rises(2, 0) == 1);
  CHECK(counts.lane_rises(2, 1) + counts.lane_falls(4, 1) + counts.lane_falls(5, 1) == 0);
  CHECK(simulator.last_event_ps() == offset_ps + last_ps);  // 100 ps inverter + 70 ps B -> Y
  CHECK((simulator.Value(5) & 1) == 1);
}

TEST_CASE("a cell arc without a delay is an input error", "[power][timed]") {
  const GateNetlist netlist = Hazard();
  NetlistDelays delays = HazardDelays(0.05);
  delays.instances[1].pop_back();
  CHECK_THROWS_WITH(TimedSimulator(netlist, delays),
                    Catch::Contains("nand") && Catch::Contains("B -> Y"));
}

TEST_CASE("the timed PE ends every cycle where the zero-delay one does, glitches on top",
          "[power][timed]") {
  const GateNetlist& netlist = PeNetlist();
  TimedSimulator timed(netlist, PeDelays());
  GateSimulator zero_delay(netlist);
  const NetEnergyTable table(netlist, Osu018(), GateEnergyOptions{});
  GateEnergyMeter timed_counts(table, netlist.net_count, 64);
  GateEnergyMeter zero_delay_counts(table, netlist.net_count, 64);
  std::mt19937_64 rng(8);
  std::vector<powersel::tb::PeInputs> lanes(TimedSimulator::kLanes);
  int mismatches = 0;
  for (int cycle = 0; cycle < 300; ++cycle) {
    for (powersel::tb::PeInputs& in : lanes) {
      in.act = static_cast<std::uint8_t>(rng());
      in.act_valid = rng() % 8 != 0;
      in.psum = static_cast<std::int32_t>(rng() % (1U << powersel::tb::kPsumBits)) -
                (1 << (powersel::tb::kPsumBits - 1));
      in.weight = static_cast<std::int8_t>(rng());
      in.shift = rng() % 16 == 0;
      in.rst_n = cycle > 0;
    }
    DrivePe(timed, netlist, lanes);
    timed.Step();
    timed_counts.Accumulate(timed);
    DrivePe(zero_delay, netlist, lanes);
    zero_delay.Step();
    zero_delay_counts.Accumulate(zero_delay);
    for (int net = 0; net < netlist.net_count; ++net) {
      mismatches += timed.Value(net) != zero_delay.Value(net);
    }
  }
  CHECK(mismatches == 0);
  std::uint64_t glitches = 0;
  int bad = 0;
  for (int net = 2; net < netlist.net_count; ++net) {
    for (int lane = 0; lane < 64; ++lane) {
      const std::uint64_t rises = timed_counts.lane_rises(net, lane);
      const std::uint64_t falls = timed_counts.lane_falls(net, lane);
      const std::uint64_t zero_rises = zero_delay_counts.lane_rises(net, lane);
      const std::uint64_t zero_falls = zero_delay_counts.lane_falls(net, lane);
      // Same start and end every cycle: the extra transitions come in rise-fall pairs.
      bad += rises < zero_rises || rises - zero_rises != falls - zero_falls;
      glitches += rises - zero_rises;
    }
  }
  CHECK(bad == 0);
  CHECK(glitches > 0);
  CHECK(timed.last_event_ps() > 0);
}

TEST_CASE("per-net transitions of the timed PE equal Icarus Verilog's for three weights",
          "[power][timed][icarus]") {
  std::uint64_t transitions = 0;
  const std::uint64_t worst = CompareWithIcarus({1, 85, -1}, 200, transitions);
  CHECK(worst == 0);
  CHECK(transitions > 3 * 200 * 100);
}

// The "must show": 7 weights x 10^4 cycles (about a minute or two of Icarus).
TEST_CASE("per-net transitions equal Icarus Verilog's for 7 weights over 10^4 cycles",
          "[power][timed][icarus][.slow]") {
  std::uint64_t transitions = 0;
  const std::vector<int> weights = {0, 1, 64, -128, 85, 127, -1};
  const std::uint64_t worst = CompareWithIcarus(weights, 10'000, transitions);
  WARN("Icarus vs timed simulator: " << weights.size() << " weights x 10^4 cycles, "
                                     << PeNetlist().net_count - 3 << " nets, " << transitions
                                     << " transitions, largest per-net difference " << worst);
  CHECK(worst == 0);
}

namespace {

// Timed over zero-delay energy per cycle (clock included) for each weight, uniform stimulus.
std::vector<double> EnergyRatios(const std::vector<int>& weights, int counted_cycles) {
  const GateNetlist& netlist = PeNetlist();
  const auto streams = WeightStreams(weights, counted_cycles);
  const auto lanes = static_cast<int>(weights.size());
  GatePe zero_delay(netlist, Osu018(), GateEnergyOptions{}, lanes);
  RunStreams(zero_delay, streams);
  GatePe timed(netlist, Osu018(), GateEnergyOptions{}, lanes, &PeDelays());
  RunStreams(timed, streams);
  std::vector<double> ratios;
  for (std::size_t lane = 0; lane < weights.size(); ++lane) {
    ratios.push_back(timed.meter().lane_energy_fj()[lane] /
                     zero_delay.meter().lane_energy_fj()[lane]);
  }
  return ratios;
}

}  // namespace

TEST_CASE("glitches cost nothing extra at weight 0 and most at dense and negative weights",
          "[power][timed]") {
  const std::vector<int> weights = {0, 1, 64, -128, 85, 127, -1};
  const int cycles = std::getenv("POWERSEL_TIMED_CYCLES") != nullptr
                         ? std::atoi(std::getenv("POWERSEL_TIMED_CYCLES"))
                         : 300;
  const std::vector<double> ratios = EnergyRatios(weights, cycles);
  std::string table;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    table += fmt::format(" {}: x{:.2f}", weights[i], ratios[i]);
  }
  WARN("timed / zero-delay energy per cycle, uniform stimulus, " << cycles << " cycles:" << table);
  for (const double ratio : ratios) {
    CHECK(ratio >= 1.0);
  }
}
