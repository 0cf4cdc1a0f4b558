// Delays from static timing: the SDF reader, its mapping onto a netlist, and OpenSTA on the
// default mapped PE, checked against the liberty's delay tables by hand.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gate_fixtures.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/power/sdf.hpp"
#include "powersel/power/synth.hpp"

using namespace powersel::power;
using powersel::InputError;
using powersel::power::testing::Osu018;
using powersel::power::testing::PeNetlist;

namespace {

// The message of the InputError that parsing `text` throws, or "" if it parses.
std::string ParseError(const std::string& text) {
  try {
    ParseSdf(text, "bad.sdf");
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

const SdfArc& Arc(const SdfCell& cell, const std::string& from) {
  for (const SdfArc& arc : cell.arcs) {
    if (arc.from_pin == from) {
      return arc;
    }
  }
  FAIL("no arc from " << from << " in " << cell.instance);
  throw std::logic_error("unreachable");
}

constexpr const char* kSmallSdf = R"((DELAYFILE
 (SDFVERSION "3.0")
 (DESIGN "tiny")
 (DATE "today")  // header entries a delay does not depend on are skipped
 (DIVIDER /)
 (TIMESCALE 100 ps)
 (CELL (CELLTYPE "tiny") (INSTANCE)
  (DELAY (ABSOLUTE (INTERCONNECT a u_x\.inv\[2\]/A (0.0::0.0)))))
 /* Yosys' internal names, escaped one character at a time (OpenSTA) or Verilog-style */
 (CELL
  (CELLTYPE "NAND2X1")
  (INSTANCE \$abc\$123\$auto\$blifparse\.cc\:396\$77)
  (DELAY
   (ABSOLUTE
    (IOPATH A Y (1:2:3) (1.5::2.5))
    (IOPATH B Y ( 0.5 : : 0.7 ) (4))
   )
  )
 )
 (CELL (CELLTYPE "INVX1") (INSTANCE \$abc$9$auto$x)
  (DELAY (ABSOLUTE (IOPATH A Y (0.25)))))
 (CELL (CELLTYPE "DFFSR") (INSTANCE top/u_pe/ff)
  (DELAY (ABSOLUTE
    (IOPATH (posedge CLK) Q (1.1::1.2) (1.3::1.4))
    (IOPATH R Q () (0.9::0.9))))
  (TIMINGCHECK (SETUP D (posedge CLK) (0.17::0.17)) (WIDTH (negedge R) (0.15))))
))";

}  // namespace

TEST_CASE("the SDF reader takes IOPATH delays, triples, edges and escaped names", "[power][sdf]") {
  const SdfFile sdf = ParseSdf(kSmallSdf, "small.sdf");
  CHECK(sdf.design == "tiny");
  CHECK(sdf.timescale_ns == Approx(0.1));
  CHECK(sdf.max_interconnect_ns == 0);
  REQUIRE(sdf.cells.size() == 4);
  CHECK(sdf.cells[0].instance.empty());
  CHECK(sdf.cells[0].arcs.empty());

  const SdfCell& nand = sdf.cells[1];
  CHECK(nand.cell_type == "NAND2X1");
  CHECK(nand.instance == "$abc$123$auto$blifparse.cc:396$77");
  CHECK(nand.line == 10);
  REQUIRE(nand.arcs.size() == 2);
  // (min:typ:max) gives typ; (min::max) gives max; 100 ps units.
  CHECK(Arc(nand, "A").to_pin == "Y");
  CHECK(*Arc(nand, "A").rise_ns == Approx(0.2));
  CHECK(*Arc(nand, "A").fall_ns == Approx(0.25));
  CHECK(*Arc(nand, "B").rise_ns == Approx(0.07));
  CHECK(*Arc(nand, "B").fall_ns == Approx(0.4));
  CHECK(Arc(nand, "B").line == 16);

  CHECK(sdf.cells[2].instance == "$abc$9$auto$x");
  CHECK(*sdf.cells[2].arcs.at(0).rise_ns == Approx(0.025));  // one value: both transitions
  CHECK(*sdf.cells[2].arcs.at(0).fall_ns == Approx(0.025));

  const SdfCell& ff = sdf.cells[3];
  CHECK(ff.instance == "top.u_pe.ff");  // the divider becomes the netlist's '.'
  REQUIRE(ff.arcs.size() == 2);
  CHECK(Arc(ff, "CLK").edge == "posedge");
  CHECK(*Arc(ff, "CLK").rise_ns == Approx(0.12));
  CHECK(*Arc(ff, "CLK").fall_ns == Approx(0.14));
  CHECK_FALSE(Arc(ff, "R").rise_ns.has_value());  // "()": a clear only makes Q fall
  CHECK(*Arc(ff, "R").fall_ns == Approx(0.09));
}

TEST_CASE("bad SDF is an input error naming the line and what was expected", "[power][sdf]") {
  const std::string cell =
      "(DELAYFILE\n(CELL (CELLTYPE \"INVX1\") (INSTANCE u1)\n(DELAY (ABSOLUTE\n";
  const auto [text, expected] = GENERATE_COPY(table<std::string, std::string>({
      {"", "line 1: expected '(DELAYFILE'"},
      {std::string(kSmallSdf).substr(0, 400), "got the end of the file"},  // truncated
      {cell + "(IOPATH A Y (0.1x) (0.2))))))", "line 4: expected a number, got '0.1x'"},
      {cell + "(IOPATH A Y (fast:0.1:0.2))))))", "expected a number, got 'fast'"},
      {cell + "(IOPATH A Y (nan))))))", "expected a number"},
      {cell + "(IOPATH A Y (0.1 0.2))))))", "expected a number, got '0.1 0.2'"},
      {cell + "(IOPATH A Y (0.1:0.2))))))", "line 4: expected a delay value"},
      {cell + "(IOPATH A Y ((0.1) (0.2)))))))", "pulse limits"},
      {cell + "(IOPATH A Y (1) (2) (3) (4))))))", "expected 1, 2, 3, 6 or 12 delay values"},
      {cell + "(IOPATH A Y (0.1)))))", "got the end of the file"},                    // a ')' short
      {cell + "(IOPATH A Y (0.1)))))))", "nothing after the ')' closing DELAYFILE"},  // one more
      {cell + "(IOPATH A Y (0.1)) (COND A (IOPATH B Y (1)))))))",
       "'COND' delays are not supported"},
      {"(DELAYFILE (CELL (CELLTYPE \"X\") (INSTANCE u) (DELAY (INCREMENT))))", "'INCREMENT'"},
      {"(DELAYFILE (CELL (CELLTYPE \"X\") (INSTANCE *)))", "wildcard"},
      {"(DELAYFILE (TIMESCALE 1 parsec))", "expected a time scale such as 1ns, got '1parsec'"},
      {"(DELAYFILE (DESIGN \"unterminated))", "unterminated string"},
      {"(DELAYFILE /* unterminated", "unterminated comment"},
  }));
  CAPTURE(text);
  CHECK_THAT(ParseError(text), Catch::Contains(expected) && Catch::Contains("bad.sdf"));
  CHECK_THROWS_WITH(ReadSdf("/nonexistent.sdf"), Catch::Contains("cannot open SDF file"));
}

TEST_CASE("SDF cells map onto netlist instances, and missing arcs and strangers are reported",
          "[power][sdf]") {
  const Library& library = Osu018();
  GateNetlist netlist;
  netlist.module = "tiny";
  netlist.net_count = 5;
  netlist.instances = {{"$abc$123$auto$blifparse.cc:396$77", &library.Cell("NAND2X1"), {2, 3, 4}},
                       {"u_x.inv[2]", &library.Cell("INVX1"), {4, 2}}};
  const std::string head = "(DELAYFILE (DIVIDER /)\n";
  const std::string nand =
      "(CELL (CELLTYPE \"NAND2X1\") (INSTANCE \\$abc\\$123\\$auto\\$blifparse\\.cc\\:396\\$77)\n"
      " (DELAY (ABSOLUTE (IOPATH A Y (0.07::0.08) (0.04::0.05)))))\n";
  const std::string inv =
      "(CELL (CELLTYPE \"INVX1\") (INSTANCE u_x\\.inv\\[2\\]) (DELAY (ABSOLUTE (IOPATH A Y "
      "(0.02) (0.03)))))\n";
  const std::string stranger = "(CELL (CELLTYPE \"INVX1\") (INSTANCE ghost))\n";

  const NetlistDelays delays =
      AnnotateDelays(netlist, ParseSdf(head + nand + inv + stranger + ")", "t.sdf"));
  REQUIRE(delays.instances.size() == 2);
  REQUIRE(delays.instances[0].size() == 1);
  CHECK(delays.instances[0][0].from_pin == 0);  // NAND2X1 pins: A, B, Y
  CHECK(delays.instances[0][0].to_pin == 2);
  CHECK(*delays.instances[0][0].rise_ns == Approx(0.08));
  CHECK(*delays.instances[1][0].fall_ns == Approx(0.03));
  CHECK(delays.missing == std::vector<std::string>{"$abc$123$auto$blifparse.cc:396$77: B -> Y"});
  CHECK(delays.unknown_instances == std::vector<std::string>{"ghost"});

  CHECK(AnnotateDelays(netlist, ParseSdf(head + nand + ")", "t.sdf")).missing.back() ==
        "u_x.inv[2]: no CELL");
  const std::string wrong_type = "(CELL (CELLTYPE \"NOR2X1\") (INSTANCE u_x\\.inv\\[2\\]))\n";
  CHECK_THROWS_WITH(AnnotateDelays(netlist, ParseSdf(head + wrong_type + ")", "t.sdf")),
                    Catch::Contains("line 2") && Catch::Contains("to be a INVX1"));
  const std::string wrong_pin =
      "(CELL (CELLTYPE \"INVX1\") (INSTANCE u_x\\.inv\\[2\\]) (DELAY (ABSOLUTE (IOPATH Y A "
      "(0.02)))))\n";
  CHECK_THROWS_AS(AnnotateDelays(netlist, ParseSdf(head + wrong_pin + ")", "t.sdf")), InputError);
}

namespace {

struct PeTiming {
  std::filesystem::path sdf_path;
  SdfFile sdf;
  NetlistDelays delays;
};

StaticTimingSpec PeSpec(const std::filesystem::path& dir) {
  return {kDefaultLiberty, DefaultMappedDesign().pe_verilog, dir, GateEnergyOptions{}};
}

// OpenSTA on the default PE, cached beside the netlist where the timed simulation will look.
const PeTiming& DefaultPeTiming() {
  static const PeTiming timing = [] {
    const GateNetlist& netlist = PeNetlist();
    const auto dir = DefaultMappedDesign().netlist_json.parent_path() / "sta";
    const std::filesystem::path path = WriteSdfWithOpenSta(
        netlist, Osu018(), PeSpec(dir), PeOutputLoads(netlist, Osu018(), GateEnergyOptions{}));
    SdfFile sdf = ReadSdf(path);
    NetlistDelays delays = AnnotateDelays(netlist, sdf);
    return PeTiming{path, std::move(sdf), std::move(delays)};
  }();
  return timing;
}

}  // namespace

TEST_CASE("OpenSTA gives every cell output of the default PE its arcs, positive and under 5 ns",
          "[power][sdf]") {
  const GateNetlist& netlist = PeNetlist();
  const PeTiming& timing = DefaultPeTiming();
  CAPTURE(timing.sdf_path);
  CHECK(timing.delays.missing.empty());
  CHECK(timing.delays.unknown_instances.empty());
  CHECK(timing.sdf.max_interconnect_ns == 0);  // no parasitics: nothing but cell delays
  int arcs = 0;
  for (std::size_t i = 0; i < netlist.instances.size(); ++i) {
    const GateNetlist::Instance& instance = netlist.instances[i];
    CAPTURE(instance.name, instance.cell->name);
    CHECK_FALSE(timing.delays.instances[i].empty());
    for (const NetlistDelays::Arc& arc : timing.delays.instances[i]) {
      // OpenSTA writes 0 for an arc from a constant (DFFSR's S tied to 1): it never fires.
      if (instance.pin_nets[static_cast<std::size_t>(arc.from_pin)] <= 1) {
        continue;
      }
      ++arcs;
      CAPTURE(instance.cell->pins[static_cast<std::size_t>(arc.from_pin)].name);
      // Every arc moves the output both ways, except a clear or preset, which moves it one way.
      CHECK((arc.rise_ns || arc.fall_ns));
      CHECK((instance.cell->flip_flop || (arc.rise_ns && arc.fall_ns)));
      for (const auto& delay : {arc.rise_ns, arc.fall_ns}) {
        if (delay) {
          CHECK(*delay > 0);
          CHECK(*delay < 5);
        }
      }
    }
  }
  CHECK(arcs > static_cast<int>(netlist.instances.size()));
}

TEST_CASE("an INVX1 delay of the default PE equals the liberty's table at its load and slew",
          "[power][sdf]") {
  // The instance: the first INVX1 whose input is a primary input, so that its slew is exactly
  // the 0.1 ns set_input_transition (elsewhere OpenSTA propagates slews). When written, that was
  // _446_ (A = psum_i[6]) driving net _424_ into NOR2X1.A, NAND2X1.A and XNOR2X1.A. OpenSTA
  // loads a rising output with the sinks' rise_capacitance and a falling one with their
  // fall_capacitance (osu018_stdcells.lib), plus the wire estimate 0.002 + 3 x 0.002 pF:
  //   rise: 0.0139227 + 0.0125    + 0.0296531 + 0.008 = 0.0640758 pF
  //   fall: 0.0144193 + 0.0122726 + 0.0296656 + 0.008 = 0.0643575 pF
  // INVX1 A->Y tables (osu018_stdcells.lib, cell INVX1, lines 2963-3000): index_1 = load
  // (0.005, 0.0125, 0.025, 0.075, 0.15 pF), index_2 = input slew (0.06, 0.18, ... ns).
  // Linear in slew between 0.06 and 0.18 (weight 1/3), then in load between 0.025 and 0.075:
  //   cell_rise: 0.07402  + (0.112622 - 0.07402)  / 3 = 0.0868873 at 0.025 pF,
  //              0.15767  + (0.201007 - 0.15767)  / 3 = 0.1721157 at 0.075 pF,
  //              0.0868873 + 0.781516 x 0.0852284     = 0.15349 ns  (SDF: 0.1535)
  //   cell_fall: 0.064368 + (0.091076 - 0.064368) / 3 = 0.0732707,
  //              0.139135 + (0.174422 - 0.139135) / 3 = 0.1508973,
  //              0.0732707 + 0.787150 x 0.0776266     = 0.13437 ns  (SDF: 0.1344)
  // The energy model prices the mean of the two capacitances (0.0645849 pF here, 0.4 % more).
  const GateNetlist& netlist = PeNetlist();
  const Library& library = Osu018();
  std::vector<bool> is_input(static_cast<std::size_t>(netlist.net_count), false);
  for (const GateNetlist::Port& port : netlist.ports) {
    for (const int net : port.nets) {
      is_input[static_cast<std::size_t>(net)] = port.is_input;
    }
  }
  std::size_t chosen = netlist.instances.size();
  for (std::size_t i = 0; i < netlist.instances.size() && chosen == netlist.instances.size(); ++i) {
    const GateNetlist::Instance& instance = netlist.instances[i];
    if (instance.cell->name == "INVX1" &&
        is_input[static_cast<std::size_t>(instance.pin_nets[0])]) {
      chosen = i;
    }
  }
  REQUIRE(chosen < netlist.instances.size());
  const GateNetlist::Instance& inverter = netlist.instances[chosen];
  const int out = inverter.pin_nets[1];
  double mean_pf = 0;  // pin capacitances, library units = pF
  double rise_pf = 0;
  double fall_pf = 0;
  int fanout = 0;
  for (const GateNetlist::Instance& instance : netlist.instances) {
    for (std::size_t p = 0; p < instance.pin_nets.size(); ++p) {
      const LibertyPin& pin = instance.cell->pins[p];
      if (instance.pin_nets[p] == out && !pin.is_output) {
        mean_pf += pin.Capacitance();
        rise_pf += pin.rise_capacitance;
        fall_pf += pin.fall_capacitance;
        ++fanout;
      }
    }
  }
  const double wire_pf = 0.002 + 0.002 * fanout;
  // The energy model prices this wire too.
  const NetEnergyTable energy(netlist, library, GateEnergyOptions{});
  CHECK(energy.load_pf(out) == Approx(mean_pf + wire_pf));

  const std::vector<double> loads = {0.005, 0.0125, 0.025, 0.075, 0.15};
  const std::vector<double> slews = {0.06, 0.18, 0.42, 0.6, 1.2};
  const std::vector<double> rise = {0.037639, 0.056898, 0.083401, 0.104927, 0.156652,  //
                                    0.05258,  0.083003, 0.119028, 0.141927, 0.207952,  //
                                    0.07402,  0.112622, 0.162437, 0.191122, 0.271755,  //
                                    0.15767,  0.201007, 0.284096, 0.331746, 0.452958,  //
                                    0.285016, 0.326868, 0.415086, 0.481337, 0.653064};
  const std::vector<double> fall = {0.030906, 0.037434, 0.038584, 0.039088, 0.030318,  //
                                    0.04464,  0.057551, 0.073142, 0.077841, 0.081003,  //
                                    0.064368, 0.091076, 0.11557,  0.126352, 0.144944,  //
                                    0.139135, 0.174422, 0.232659, 0.261317, 0.321043,  //
                                    0.249412, 0.28434,  0.357694, 0.406534, 0.51187};
  auto interpolate = [&](const std::vector<double>& values, double load, double slew) {
    std::size_t i = 0;
    while (i + 2 < loads.size() && load > loads[i + 1]) {
      ++i;
    }
    std::size_t j = 0;
    while (j + 2 < slews.size() && slew > slews[j + 1]) {
      ++j;
    }
    const double u = (load - loads[i]) / (loads[i + 1] - loads[i]);
    const double v = (slew - slews[j]) / (slews[j + 1] - slews[j]);
    auto at = [&](std::size_t r, std::size_t c) { return values[r * slews.size() + c]; };
    return (1 - u) * (1 - v) * at(i, j) + (1 - u) * v * at(i, j + 1) + u * (1 - v) * at(i + 1, j) +
           u * v * at(i + 1, j + 1);
  };
  for (const double load_pf : {rise_pf + wire_pf, fall_pf + wire_pf}) {
    REQUIRE(load_pf > loads.front());  // inside the table: OpenSTA would extrapolate outside
    REQUIRE(load_pf < loads.back());
  }

  const auto& arcs = DefaultPeTiming().delays.instances[chosen];
  REQUIRE(arcs.size() == 1);
  CAPTURE(inverter.name, netlist.net_names[static_cast<std::size_t>(out)], fanout, rise_pf,
          fall_pf);
  // Within 0.5 %: the SDF's 4 digits are 0.05 ps on 0.13 ns (the issue asked for 2 %).
  CHECK(*arcs[0].rise_ns == Approx(interpolate(rise, rise_pf + wire_pf, 0.1)).epsilon(0.005));
  CHECK(*arcs[0].fall_ns == Approx(interpolate(fall, fall_pf + wire_pf, 0.1)).epsilon(0.005));
}

TEST_CASE("OpenSTA runs once per liberty and netlist, and a second call only hashes",
          "[power][sdf]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("powersel_sta_" + std::to_string(static_cast<long>(getpid())));
  std::filesystem::remove_all(dir);
  const GateNetlist& netlist = PeNetlist();
  const auto loads = PeOutputLoads(netlist, Osu018(), GateEnergyOptions{});
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto first = WriteSdfWithOpenSta(netlist, Osu018(), PeSpec(dir), loads);
  const auto middle = Clock::now();
  const auto written = std::filesystem::last_write_time(first);
  const auto second = WriteSdfWithOpenSta(netlist, Osu018(), PeSpec(dir), loads);
  const auto end = Clock::now();
  CHECK(second == first);
  CHECK(std::filesystem::last_write_time(second) == written);
  CHECK(end - middle < (middle - start) / 5);
  // Other loads are another key.
  GateEnergyOptions heavier;
  heavier.wire_base_pf = 0.004;
  StaticTimingSpec spec = PeSpec(dir);
  spec.options = heavier;
  CHECK(WriteSdfWithOpenSta(netlist, Osu018(), spec, loads) != first);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a failing or missing OpenSTA is an input error that keeps its log", "[power][sdf]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("powersel_sta_bad_" + std::to_string(static_cast<long>(getpid())));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  StaticTimingSpec spec = PeSpec(dir);
  spec.verilog = dir / "broken.v";
  std::ofstream(spec.verilog) << "module ws_pe_gates(a;\n";
  const GateNetlist& netlist = PeNetlist();
  CHECK_THROWS_WITH(WriteSdfWithOpenSta(netlist, Osu018(), spec, {}),
                    Catch::Contains("OpenSTA failed") && Catch::Contains(".sta.log"));

  const std::string path = std::getenv("PATH");
  setenv("PATH", "/nonexistent", 1);
  std::ofstream(spec.verilog) << "module ws_pe_gates();\nendmodule\n";  // another cache key
  CHECK_THROWS_WITH(WriteSdfWithOpenSta(netlist, Osu018(), spec, {}), Catch::Contains("opensta"));
  setenv("PATH", path.c_str(), 1);
  std::filesystem::remove_all(dir);
}
