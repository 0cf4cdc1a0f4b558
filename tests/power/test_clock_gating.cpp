// Gated clocks at the gate level: a latch-and-AND clock gate in front of a flip-flop, built by
// hand from the default library's cells, in both simulators and in the energy table.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "gate_fixtures.hpp"
#include "powersel/power/gate_energy.hpp"
#include "powersel/power/gate_simulator.hpp"
#include "powersel/power/timed_simulator.hpp"

using namespace powersel::power;
using powersel::power::testing::Osu018;

namespace {

enum Net { kClock = 2, kEnable, kData, kClockN, kEnableQ, kGatedClock, kGatedQ, kFreeQ, kNets };

GateNetlist::Instance Cell(const std::string& name, const std::string& type,
                           const std::map<std::string, int>& pins) {
  GateNetlist::Instance instance{name, &Osu018().Cell(type), {}};
  for (const LibertyPin& pin : instance.cell->pins) {
    instance.pin_nets.push_back(pins.at(pin.name));
  }
  return instance;
}

int PinIndex(const std::string& type, const std::string& pin) {
  const LibertyCell& cell = Osu018().Cell(type);
  for (std::size_t p = 0; p < cell.pins.size(); ++p) {
    if (cell.pins[p].name == pin) {
      return static_cast<int>(p);
    }
  }
  throw std::out_of_range(pin);
}

// clk -> INVX1 -> clk_n opens LATCH (D = en) while the clock is low; AND2X1(clk, en_q) is the
// gated clock of one flip-flop; a second flip-flop takes the free clock. Both take d.
GateNetlist ClockGate() {
  GateNetlist netlist;
  netlist.module = "clock_gate";
  netlist.net_count = kNets;
  netlist.net_names = {"0", "1", "clk", "en", "d", "clk_n", "en_q", "gclk", "gated_q", "free_q"};
  netlist.ports = {{"clk", true, {kClock}},
                   {"en", true, {kEnable}},
                   {"d", true, {kData}},
                   {"gated_q", false, {kGatedQ}},
                   {"free_q", false, {kFreeQ}}};
  netlist.instances = {
      Cell("inv", "INVX1", {{"A", kClock}, {"Y", kClockN}}),
      Cell("latch", "LATCH", {{"CLK", kClockN}, {"D", kEnable}, {"Q", kEnableQ}}),
      Cell("and", "AND2X1", {{"A", kClock}, {"B", kEnableQ}, {"Y", kGatedClock}}),
      Cell("gated", "DFFPOSX1", {{"CLK", kGatedClock}, {"D", kData}, {"Q", kGatedQ}}),
      Cell("free", "DFFPOSX1", {{"CLK", kClock}, {"D", kData}, {"Q", kFreeQ}})};
  return netlist;
}

NetlistDelays ClockGateDelays() {
  auto arc = [](const std::string& type, const std::string& from, const std::string& to,
                double ns) {
    return NetlistDelays::Arc{PinIndex(type, from), PinIndex(type, to), "", ns, ns};
  };
  NetlistDelays delays;
  delays.instances = {{arc("INVX1", "A", "Y", 0.05)},
                      {arc("LATCH", "CLK", "Q", 0.2), arc("LATCH", "D", "Q", 0.15)},
                      {arc("AND2X1", "A", "Y", 0.1), arc("AND2X1", "B", "Y", 0.1)},
                      {arc("DFFPOSX1", "CLK", "Q", 0.3)},
                      {arc("DFFPOSX1", "CLK", "Q", 0.3)}};
  return delays;
}

// Lane 0: enable always low; lane 1: always high; lane 2: high every other cycle. The data
// toggles every cycle in every lane.
template <typename Simulator>
void Drive(Simulator& simulator, int cycle) {
  simulator.SetInputBit(kEnable, 0b010 | (cycle % 2 == 0 ? 0b100 : 0));
  simulator.SetInputBit(kData, cycle % 2 == 0 ? 0b111 : 0);
}

}  // namespace

TEST_CASE("the clock tree is found: the input, its inverter free-running, the gate's output gated",
          "[power]") {
  const GateNetlist netlist = ClockGate();
  const GateNetlist::ClockTree tree = netlist.FindClockTree();
  CHECK(tree.root == kClock);
  CHECK(tree.has_gated);
  CHECK(tree.free_running[kClock] == 1);
  CHECK(tree.free_running[kClockN] == 1);
  CHECK(tree.gated[kGatedClock] == 1);
  // The latch ends the cone: its output is data (the enable), not clock.
  CHECK(tree.gated[kEnableQ] == 0);
  CHECK(tree.free_running[kEnableQ] == 0);
}

TEST_CASE("a gated flip-flop captures only after cycles whose enable was high, in both simulators",
          "[power]") {
  const GateNetlist netlist = ClockGate();
  GateSimulator zero_delay(netlist);
  const NetlistDelays delays = ClockGateDelays();
  TimedSimulator timed(netlist, delays);
  constexpr int kCycles = 12;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    Drive(zero_delay, cycle);
    Drive(timed, cycle);
    zero_delay.Step();
    timed.Step();
    if (cycle == 0) {
      continue;
    }
    // The edge of step `cycle` takes what step `cycle - 1` drove: d was 1 after even steps.
    const std::uint64_t driven = (cycle - 1) % 2 == 0 ? 0b111 : 0;
    const std::uint64_t enabled = 0b010 | ((cycle - 1) % 2 == 0 ? 0b100 : 0);
    CAPTURE(cycle);
    CHECK(zero_delay.Value(kFreeQ) == driven);
    // Lane 0 never captures (q stays 0); lane 1 always; lane 2 only after enabled steps,
    // when d was 1, and holds it after the disabled ones.
    const std::uint64_t gated = (driven & enabled) | (cycle >= 2 ? 0b100 : 0);
    CHECK((zero_delay.Value(kGatedQ) & 0b111) == gated);
    // The gated clock rose and fell within the step exactly in the enabled lanes.
    CHECK((zero_delay.rises()[kGatedClock] & 0b111) == enabled);
    CHECK((zero_delay.falls()[kGatedClock] & 0b111) == enabled);
    CHECK((timed.Value(kGatedQ) & 0b111) == gated);
    CHECK((timed.Value(kFreeQ) & 0b111) == driven);
    std::uint64_t timed_rises = 0;
    std::uint64_t timed_falls = 0;
    for (const TimedSimulator::Transition& transition : timed.transitions()) {
      if (transition.net == kGatedClock) {
        timed_rises |= transition.rose;
        timed_falls |= transition.fell;
      }
    }
    CHECK((timed_rises & 0b111) == enabled);
    CHECK((timed_falls & 0b111) == enabled);
  }
}

TEST_CASE("a gated clock costs energy only in the cycles it passes, as clock", "[power]") {
  const GateNetlist netlist = ClockGate();
  const NetEnergyTable table(netlist, Osu018(), GateEnergyOptions{});
  CHECK(table.gated_clock(kGatedClock));
  CHECK_FALSE(table.gated_clock(kClock));
  // The free-running nets are priced once a cycle (clock_fj_per_cycle), the gated one per
  // transition; the latch's output is data.
  CHECK(table.clock_fj_per_cycle() > 0);
  CHECK(table.rise_fj(kGatedClock) > 0);
  CHECK(table.rise_fj(kClock) == 0);
  CHECK(table.rise_fj(kClockN) == 0);
  CHECK_FALSE(table.gated_clock(kEnableQ));

  GateSimulator simulator(netlist);
  GateEnergyMeter meter(table, netlist.net_count, 3);
  constexpr int kCycles = 20;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    simulator.SetInputBit(kEnable, 0b010);  // lane 1 enabled, lanes 0 and 2 not
    simulator.SetInputBit(kData, 0);
    simulator.Step();
    meter.Accumulate(simulator);
  }
  const auto clock = meter.lane_clock_fj();
  // A disabled lane pays the free-running clock only; an enabled one adds one rise and one
  // fall of the gated clock every cycle but the first (the latch took the enable at the end
  // of the first).
  CHECK(clock[0] == Approx(kCycles * table.clock_fj_per_cycle()));
  CHECK(clock[2] == Approx(clock[0]));
  CHECK(clock[1] == Approx(clock[0] + (kCycles - 1) * (table.rise_fj(kGatedClock) +
                                                       table.fall_fj(kGatedClock))));
  // The data is constant: no lane spends anything but clock... except lane 1's latch output,
  // which rose once (its enable), and which is data.
  CHECK(meter.lane_energy_fj()[0] == Approx(clock[0]));
  CHECK(meter.lane_energy_fj()[1] > clock[1]);
}
