// The gate-level path against independent references: the liberty numbers as printed in the
// file, truth tables, the RTL PE, and Verilator simulating the same netlist.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <random>

#include "boolean_function.hpp"
#include "gate_fixtures.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/power/liberty.hpp"
#include "powersel/power/netlist.hpp"
#include "powersel/tb/pe_model.hpp"

using namespace powersel::power;
using powersel::power::testing::Osu018;
using powersel::power::testing::PeNetlist;
using powersel::tb::PeInputs;
using powersel::tb::PeModel;
using powersel::tb::PeOutputs;

namespace {

// Random PE stimulus that also loads weights and pulses the reset now and then.
PeInputs RandomInputs(std::mt19937_64& rng) {
  PeInputs inputs;
  inputs.act = static_cast<std::uint8_t>(rng());
  inputs.act_valid = (rng() & 3) != 0;
  inputs.psum = static_cast<std::int32_t>(rng() % (1U << 22)) - (1 << 21);
  inputs.weight = static_cast<std::int8_t>(rng());
  inputs.shift = (rng() % 8) == 0;
  inputs.rst_n = (rng() % 64) != 0;
  return inputs;
}

}  // namespace

TEST_CASE("the liberty reader returns OSU018's units and numbers as printed", "[power]") {
  const Library& library = Osu018();
  CHECK(library.nominal_voltage_v == Approx(1.8));
  CHECK(library.capacitance_unit_pf == Approx(1.0));
  CHECK(library.time_unit_ns == Approx(1.0));
  CHECK(library.EnergyUnitFj() == Approx(1000.0));  // pF x V^2 = pJ
  CHECK(library.cells.size() == 32);
  const LibertyCell& and2 = library.Cell("AND2X1");
  CHECK(and2.area == 32);
  CHECK(and2.FindPin("A")->rise_capacitance == Approx(0.0129077));
  CHECK(and2.FindPin("Y")->function == "(A B)");
  // rise_power related to A: value at (load 0.005, slew 0.06) is the table's first entry,
  // and halfway to (0.0125, 0.06) the average of the first column's two entries.
  const LookupTable& rise = *and2.FindPin("Y")->internal_power.front().rise;
  CHECK(rise.Lookup(0.005, 0.06) == Approx(0.012351));
  CHECK(rise.Lookup(0.00875, 0.06) == Approx((0.012351 + 0.013339) / 2));
  CHECK(rise.Lookup(1.0, 5.0) == Approx(0.086416));  // clamped to the last entry
  const LibertyCell& flop = library.Cell("DFFPOSX1");
  REQUIRE(flop.flip_flop);
  CHECK(flop.flip_flop->clocked_on == "CLK");
  CHECK(flop.FindPin("CLK")->is_clock);
}

TEST_CASE("a malformed liberty is refused with its line", "[power]") {
  const auto path = std::filesystem::temp_directory_path() / "powersel_bad.lib";
  std::ofstream(path) << "library(x) {\n  capacitive_load_unit (1,pf);\n  nom_voltage : 1.8;\n"
                         "  cell (A) {\n    area : big;\n  }\n}\n";
  CHECK_THROWS_WITH(ReadLiberty(path),
                    Catch::Contains("line 5: area") && Catch::Contains("expected a number"));
  std::ofstream(path) << "library(x) {\n  cell (A) {\n";
  CHECK_THROWS_AS(ReadLiberty(path), powersel::InputError);
  CHECK_THROWS_WITH(ReadLiberty("/nonexistent.lib"), Catch::Contains("cannot open"));
}

TEST_CASE("an attribute with the wrong number of values is refused with its line", "[power]") {
  // "direction ();" used to segfault: the reader took the first of no values.
  const std::string good = R"(library (x) {
  capacitive_load_unit (1, pf);
  nom_voltage : 1.8;
  power_lut_template (e) { variable_1 : total_output_net_capacitance; }
  cell (INV) {
    pin (A) { direction : input; capacitance : 0.01; }
    pin (Y) {
      direction : output; function : "!A";
      internal_power () {
        related_pin : "A"; rise_power (e) { index_1 ("0.1, 0.2"); values ("1, 2"); }
      }
    }
  }
  cell (FF) {
    ff (Q, QN) { next_state : "D"; clocked_on : "CLK"; }
    pin (CLK) { direction : input; clock : true; }
  }
})";
  REQUIRE(ReadLibertyText(good, "good.lib").cells.size() == 2);
  const auto [from, to, field] = GENERATE(table<std::string, std::string, std::string>({
      {"nom_voltage : 1.8", "nom_voltage ()", "line 3: nom_voltage"},
      {"capacitive_load_unit (1, pf)", "capacitive_load_unit (1)", "line 2: capacitive_load_unit"},
      {"variable_1 : total_output_net_capacitance", "variable_1 ()", "line 4: variable_1"},
      {"direction : input", "direction ()", "line 6: direction"},
      {"capacitance : 0.01", "capacitance (0.01, 0.02)", "line 6: capacitance"},
      {"function : \"!A\"", "function ()", "line 8: function"},
      {"related_pin : \"A\"", "related_pin ()", "line 10: related_pin"},
      {"index_1 (\"0.1, 0.2\")", "index_1 ()", "line 10: index_1"},
      {"values (\"1, 2\")", "values ()", "line 10: values"},
      {"next_state : \"D\"", "next_state ()", "line 15: next_state"},
      {"clock : true", "clock (true, false)", "line 16: clock"},
  }));
  CAPTURE(to);
  std::string bad = good;
  bad.replace(bad.find(from), from.size(), to);
  CHECK_THROWS_AS(ReadLibertyText(bad, "bad.lib"), powersel::InputError);
  CHECK_THROWS_WITH(ReadLibertyText(bad, "bad.lib"),
                    Catch::StartsWith("bad.lib: " + field + ": expected"));
}

TEST_CASE("liberty boolean functions follow their truth tables", "[power]") {
  using powersel::power::detail::BooleanFunction;
  const BooleanFunction aoi21("(!((A B)+C))", {"A", "B", "C"});
  const BooleanFunction mux("(!((S A) + (!S B)))", {"A", "B", "S"});
  const BooleanFunction fa_carry("(((A B)+(B C))+(C A))", {"A", "B", "C"});
  const BooleanFunction postfix("A' ^ B", {"A", "B"});
  for (int row = 0; row < 8; ++row) {
    const std::uint64_t a = (row & 1) ? ~0ULL : 0;
    const std::uint64_t b = (row & 2) ? ~0ULL : 0;
    const std::uint64_t c = (row & 4) ? ~0ULL : 0;
    const std::uint64_t inputs[3] = {a, b, c};
    CAPTURE(row);
    CHECK(aoi21.Evaluate(inputs) == ~((a & b) | c));
    CHECK(mux.Evaluate(inputs) == ~((c & a) | (~c & b)));
    CHECK(fa_carry.Evaluate(inputs) == ((a & b) | (b & c) | (c & a)));
    CHECK(postfix.Evaluate(inputs) == (~a ^ b));
  }
  CHECK_THROWS_AS(BooleanFunction("(A B", {"A", "B"}), std::invalid_argument);
  CHECK_THROWS_AS(BooleanFunction("A Q", {"A", "B"}), std::invalid_argument);
}

TEST_CASE("the simulated gate-level PE equals the RTL PE over 10^6 PE-cycles", "[power]") {
  constexpr int kLanes = GatePe::kLanes;
  constexpr int kSteps = 1'000'000 / kLanes + 1;
  GatePe gates(PeNetlist(), Osu018(), GateEnergyOptions{}, kLanes);
  std::vector<std::unique_ptr<PeModel>> rtl;
  for (int lane = 0; lane < kLanes; ++lane) {
    rtl.push_back(PeModel::MakeRtl());
  }
  std::mt19937_64 rng(2024);
  std::vector<PeInputs> inputs(kLanes);
  std::uint64_t mismatches = 0;
  for (int step = 0; step < kSteps; ++step) {
    for (auto& lane : inputs) {
      lane = RandomInputs(rng);
    }
    gates.Step(inputs);
    for (int lane = 0; lane < kLanes; ++lane) {
      const PeOutputs expected = rtl[static_cast<std::size_t>(lane)]->Step(inputs[lane]);
      mismatches += gates.Outputs(lane) == expected ? 0 : 1;
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("Verilator's gate-level PE equals the RTL PE over 10^6 cycles", "[power]") {
  constexpr int kCycles = 1'000'000;
  auto gates = PeModel::MakeGateLevel();
  auto rtl = PeModel::MakeRtl();
  std::mt19937_64 rng(99);
  std::uint64_t mismatches = 0;
  for (int step = 0; step < kCycles; ++step) {
    const PeInputs inputs = RandomInputs(rng);
    mismatches += gates->Step(inputs) == rtl->Step(inputs) ? 0 : 1;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("the simulator's net toggles equal Verilator's on the same netlist", "[power]") {
  const GateNetlist& netlist = PeNetlist();
  GatePe gates(netlist, Osu018(), GateEnergyOptions{}, 1);
  auto verilated = PeModel::MakeGateLevel();
  std::mt19937_64 rng(5);
  for (int step = 0; step < 20'000; ++step) {
    const PeInputs inputs = RandomInputs(rng);
    gates.Step({&inputs, 1});
    verilated->Step(inputs);
  }
  std::map<std::string, int> net_by_name;
  for (int net = 2; net < netlist.net_count; ++net) {
    net_by_name[netlist.net_names[static_cast<std::size_t>(net)]] = net;
  }
  int compared = 0;
  for (const auto& toggles : verilated->Toggles()) {
    const auto found = net_by_name.find(toggles.name);
    if (found == net_by_name.end() || toggles.name == "clk_i") {
      continue;  // aliases Verilator keeps under other names; the clock is accounted apart
    }
    CAPTURE(toggles.name);
    CHECK(gates.meter().net_rises(found->second) == toggles.rises);
    CHECK(gates.meter().net_falls(found->second) == toggles.falls);
    ++compared;
  }
  // Nearly every net must have been compared, or the test proves little.
  CHECK(compared > netlist.net_count * 9 / 10);
}

TEST_CASE("a combinational fan-out cone stops at flip-flops", "[power]") {
  const GateNetlist& pe = PeNetlist();
  const std::vector<std::uint8_t> cone = pe.CombinationalFanOut(pe.FindPort("weight_i").nets);
  const std::vector<std::uint8_t> registers = pe.RegisterNets();
  for (const int net : pe.FindPort("weight_i").nets) {
    CHECK(cone[static_cast<std::size_t>(net)] == 1);
  }
  for (std::size_t net = 0; net < cone.size(); ++net) {
    CHECK_FALSE((cone[net] != 0 && registers[net] != 0));
  }
  // weight_i reaches the product only through the weight register, and nothing of the
  // activation or partial-sum paths.
  for (const char* port : {"act_i", "psum_i", "psum_o", "act_o", "weight_o"}) {
    for (const int net : pe.FindPort(port).nets) {
      CHECK(cone[static_cast<std::size_t>(net)] == 0);
    }
  }
  const auto in_cone = std::count(cone.begin(), cone.end(), std::uint8_t{1});
  CHECK(in_cone > 2 * 8);  // the port bits and at least the weight multiplexer
}

TEST_CASE("a cycle's energy split into net groups adds up to the whole", "[power]") {
  const GateNetlist& pe = PeNetlist();
  const GateEnergyOptions options;
  GatePe whole(pe, Osu018(), options, GatePe::kLanes);
  GatePe split(pe, Osu018(), options, GatePe::kLanes);
  whole.meter().TrackCycles(true);
  std::vector<std::uint8_t> groups = pe.CombinationalFanOut(pe.FindPort("weight_i").nets);
  const std::vector<std::uint8_t> registers = pe.RegisterNets();
  for (std::size_t net = 0; net < groups.size(); ++net) {
    groups[net] = registers[net] != 0 ? 1 : groups[net] != 0 ? 2 : 0;
  }
  split.meter().TrackCycles(true, groups);
  std::mt19937_64 rng(3);
  std::vector<PeInputs> lanes(GatePe::kLanes);
  double register_fj = 0;
  double shift_path_fj = 0;
  for (int cycle = 0; cycle < 200; ++cycle) {
    for (PeInputs& in : lanes) {
      in.act = static_cast<std::uint8_t>(rng());
      in.psum = static_cast<std::int32_t>(rng() % (1U << 21));
      in.weight = static_cast<std::int8_t>(rng());
      in.shift = rng() % 2 == 0;
    }
    whole.Step(lanes);
    split.Step(lanes);
    for (int lane = 0; lane < GatePe::kLanes; ++lane) {
      const auto at = static_cast<std::size_t>(lane);
      const double parts = split.meter().last_cycle_fj(0)[at] + split.meter().last_cycle_fj(1)[at] +
                           split.meter().last_cycle_fj(2)[at];
      REQUIRE(parts == Approx(whole.meter().last_cycle_fj()[at] +
                              whole.meter().last_cycle_register_fj()[at]));
      register_fj += split.meter().last_cycle_fj(1)[at];
      shift_path_fj += split.meter().last_cycle_fj(2)[at];
    }
  }
  CHECK(register_fj > 0);
  CHECK(shift_path_fj > 0);
}
