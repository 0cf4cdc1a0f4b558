// Replaying each PE's recorded inputs through one gate-level PE equals simulating the whole
// gate-level array, net for net.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <random>

#include "gate_fixtures.hpp"
#include "powersel/power/edge_energy.hpp"
#include "powersel/power/replay.hpp"
#include "powersel/tb/harness.hpp"

using namespace powersel::power;
using powersel::Matrix;
using powersel::power::testing::DefaultNetlist;
using powersel::power::testing::Osu018;
using powersel::power::testing::PeNetlist;

namespace {

struct Recording {
  powersel::tb::ArrayTrace trace;
  powersel::tb::ToggleCounts toggles;
};

Recording RecordRandomTiles(powersel::tb::ArrayShape shape, int tiles) {
  powersel::tb::Harness harness({.shape = shape, .count_toggles = true, .record_trace = true});
  std::mt19937_64 rng(77);
  std::uniform_int_distribution<int> weight(-128, 127);
  std::uniform_int_distribution<int> activation(0, 255);
  for (int tile = 0; tile < tiles; ++tile) {
    Matrix<std::int8_t> weights(shape.rows, shape.cols);
    for (auto& w : weights.values()) {
      w = static_cast<std::int8_t>(weight(rng));
    }
    Matrix<std::uint8_t> activations(3 * shape.rows, shape.rows);
    for (auto& a : activations.values()) {
      a = static_cast<std::uint8_t>(activation(rng));
    }
    harness.LoadWeights(weights);
    std::vector<std::int32_t> top(static_cast<std::size_t>(shape.cols), 0);
    top[0] = tile * 1000;  // the top-of-column input changes between streams too
    harness.Stream(activations, top);
  }
  return {harness.TakeTrace(), *harness.toggles()};
}

// Drives the flattened gate-level array from the recorded ports.
void SimulateArray(const GateNetlist& array, const powersel::tb::ArrayTrace& trace,
                   GateSimulator& simulator, GateEnergyMeter& meter) {
  const auto& rst = array.FindPort("rst_ni");
  const auto& wload_valid = array.FindPort("wload_valid_i");
  const auto& wload_row = array.FindPort("wload_row_i");
  const auto& act_valid = array.FindPort("act_valid_i");
  const auto& act = array.FindPort("act_i");
  const auto& psum_top = array.FindPort("psum_top_i");
  auto set_lanes = [&](const GateNetlist::Port& port, auto values, int width) {
    for (std::size_t bit = 0; bit < port.nets.size(); ++bit) {
      const auto element = bit / static_cast<std::size_t>(width);
      const auto shift = bit % static_cast<std::size_t>(width);
      simulator.SetInputBit(port.nets[bit],
                            (static_cast<std::uint64_t>(values[element]) >> shift) & 1U);
    }
  };
  for (const powersel::tb::ArrayPortValues& ports : trace.ports) {
    const bool scalars[] = {ports.rst_n, ports.wload_valid, ports.act_valid};
    set_lanes(rst, &scalars[0], 1);
    set_lanes(wload_valid, &scalars[1], 1);
    set_lanes(act_valid, &scalars[2], 1);
    std::vector<std::uint8_t> row(ports.wload_row.begin(), ports.wload_row.end());
    set_lanes(wload_row, row, 8);
    set_lanes(act, ports.activations, 8);
    std::vector<std::uint32_t> top(ports.psum_top.begin(), ports.psum_top.end());
    set_lanes(psum_top, top, 22);
    simulator.Step();
    meter.Accumulate(simulator);
  }
}

}  // namespace

TEST_CASE("replaying PE inputs equals the full 4x4 gate-level array toggle for toggle", "[power]") {
  const powersel::tb::ArrayShape shape{4, 4};
  const powersel::tb::ArrayTrace trace = RecordRandomTiles(shape, 5).trace;
  REQUIRE(trace.cycles() > 100);

  const GateEnergyOptions options;
  PeReplay replay(shape, PeNetlist(), Osu018(), options);
  replay.Feed(trace);

  const GateNetlist& array = DefaultNetlist("ws_array");
  GateSimulator simulator(array);
  const NetEnergyTable array_table(array, Osu018(), options);
  GateEnergyMeter array_meter(array_table, array.net_count, 1);
  SimulateArray(array, trace, simulator, array_meter);

  // Map every net of the PE netlist to the array's net for PE (r, c): cell outputs through
  // the instance names, ports through the instance's port bindings.
  const GateNetlist& pe = PeNetlist();
  std::map<std::string, int> array_cell_output;
  for (const auto& instance : array.instances) {
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      if (instance.cell->pins[p].is_output) {
        array_cell_output[instance.name + "." + instance.cell->pins[p].name] = instance.pin_nets[p];
      }
    }
  }
  std::uint64_t compared = 0;
  std::uint64_t transitions = 0;
  for (int r = 0; r < shape.rows; ++r) {
    for (int c = 0; c < shape.cols; ++c) {
      const std::string prefix = fmt::format("gen_row[{}].gen_col[{}].u_pe", r, c);
      std::map<int, int> pe_to_array;
      for (const auto& instance : pe.instances) {
        for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
          if (instance.cell->pins[p].is_output) {
            pe_to_array[instance.pin_nets[p]] = array_cell_output.at(
                prefix + "." + instance.name + "." + instance.cell->pins[p].name);
          }
        }
      }
      for (const auto& port : pe.ports) {
        const auto& bound = array.submodule_ports.at(prefix).at(port.name);
        for (std::size_t bit = 0; bit < port.nets.size(); ++bit) {
          pe_to_array.emplace(port.nets[bit], bound[bit]);
        }
      }
      const int pe_index = r * shape.cols + c;
      const GatePe& group = replay.PeGroup(pe_index);
      const int lane = PeReplay::Lane(pe_index);
      for (const auto& [pe_net, array_net] : pe_to_array) {
        if (pe_net < 2 || array_net < 2 ||
            pe.net_names[static_cast<std::size_t>(pe_net)] == "clk_i") {
          continue;
        }
        CAPTURE(r, c, pe.net_names[static_cast<std::size_t>(pe_net)]);
        REQUIRE(group.meter().lane_rises(pe_net, lane) == array_meter.lane_rises(array_net, 0));
        REQUIRE(group.meter().lane_falls(pe_net, lane) == array_meter.lane_falls(array_net, 0));
        transitions += array_meter.lane_rises(array_net, 0);
        ++compared;
      }
    }
  }
  CHECK(compared >= 16 * static_cast<std::uint64_t>(pe.instances.size()));
  CHECK(transitions > 10'000);  // real activity, not two idle arrays agreeing
}

TEST_CASE("the RTL counts exactly the gate-level edge flip-flops' transitions", "[power]") {
  const powersel::tb::ArrayShape shape{4, 4};
  const Recording recording = RecordRandomTiles(shape, 5);
  const GateNetlist& array = DefaultNetlist("ws_array");
  GateSimulator simulator(array);
  const NetEnergyTable table(array, Osu018(), GateEnergyOptions{});
  GateEnergyMeter meter(table, array.net_count, 1);
  SimulateArray(array, recording.trace, simulator, meter);

  // The flip-flops outside the PEs, counted in the netlist, match the RTL's edge registers.
  std::uint64_t edge_flops = 0;
  std::uint64_t gate_transitions = 0;
  for (const auto& instance : array.instances) {
    if (!instance.cell->flip_flop || instance.name.find(".u_pe.") != std::string::npos) {
      continue;
    }
    ++edge_flops;
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      if (instance.cell->pins[p].is_output) {
        const int net = instance.pin_nets[p];
        gate_transitions += meter.net_rises(net) + meter.net_falls(net);
      }
    }
  }
  CHECK(edge_flops == EdgeFlipFlopCount(shape));
  const powersel::tb::ToggleCounts& rtl = recording.toggles;
  CHECK(gate_transitions == rtl.Total(powersel::tb::EdgeSignal::kInputSkew) +
                                rtl.Total(powersel::tb::EdgeSignal::kOutputDeskew) +
                                rtl.Total(powersel::tb::EdgeSignal::kLoadPath));
}

TEST_CASE("PE replay plus edge registers price the full 4x4 gate-level array once", "[power]") {
  const powersel::tb::ArrayShape shape{4, 4};
  const Recording recording = RecordRandomTiles(shape, 5);
  const GateEnergyOptions options;
  PeReplay replay(shape, PeNetlist(), Osu018(), options);
  replay.Feed(recording.trace);
  const double pe_fj = replay.Result().total_fj;

  const GateNetlist& array = DefaultNetlist("ws_array");
  GateSimulator simulator(array);
  const NetEnergyTable table(array, Osu018(), options);
  GateEnergyMeter meter(table, array.net_count, 1);
  SimulateArray(array, recording.trace, simulator, meter);
  const double array_fj = meter.lane_energy_fj()[0];

  // The trace starts with the reset cycles, the toggle counter after them: they toggle no
  // register (all start at zero) but pay the clock, so they count as cycles.
  powersel::tb::ToggleCounts toggles = recording.toggles;
  REQUIRE(toggles.cycles < recording.trace.cycles());
  toggles.cycles = recording.trace.cycles();
  const EdgeEnergy edge =
      EstimateEdgeEnergy(toggles, MeasureEdgeFlipFlops(array, table, replay.PeGroup(0)));
  const double edge_transitions_fj = edge.total_fj() - edge.clock_fj;
  // What the full array holds beyond the PEs' replay, less the edge clock (each flip-flop's
  // share of the array's clock, exact by construction): the edge registers' transitions at
  // gate level. A wire at a PE boundary priced by both sides (or by neither) shows here at
  // its full size: the last skew stages' and the load path's wires into the PEs are nearly
  // half of it, the de-skew's and the ports' data inputs a third.
  const double gate_edge_transitions_fj = array_fj - pe_fj - edge.clock_fj;
  REQUIRE(gate_edge_transitions_fj > 0.01 * array_fj);  // edge activity, not noise
  // The estimate prices every toggle at the mean edge flip-flop (the real ones differ: a stage
  // feeding PEs owns less of its wire than one feeding the next stage, a first stage owns its
  // port wire too): 10 %, as the estimate is documented to be (2 % here).
  CHECK(edge_transitions_fj == Approx(gate_edge_transitions_fj).epsilon(0.10));
  // The sum: the PE replay is exact toggle for toggle (above) and differs from the array only
  // by wire-model residues (each PE's own wire base on its clock and weight wires, where the
  // array has one net; edge PEs' drivers priced at a neighbour's load the array lacks: under
  // 0.1 % together). The edge transitions are 2 % of the total, so their 10 % bounds the sum
  // (0.2 %; 0.04 % here); counting the boundary wires twice or not at all misses it by 0.5 %.
  CAPTURE(array_fj, pe_fj, edge.total_fj(), gate_edge_transitions_fj, edge_transitions_fj);
  CHECK(pe_fj + edge.total_fj() ==
        Approx(array_fj).epsilon(0.10 * gate_edge_transitions_fj / array_fj));
}

// Why the edge registers' energy needs no timed simulation: a net glitches only when
// combinational logic with unequal path delays drives it. Every net the edge registers own
// (their flip-flops' outputs and data inputs) is driven by a flip-flop (inside a PE or not),
// which changes once, CLK->Q after the edge, or by an array input port, which changes once
// at the edge. So each switches at most once a cycle and the zero-delay count is the timed
// count. Checked on the mapped 4x4 array: should a mapping ever put logic there, this fails.
TEST_CASE("every net of the edge registers is driven by a flip-flop or an input port",
          "[power][timed]") {
  const GateNetlist& array = DefaultNetlist("ws_array");
  std::vector<bool> once_a_cycle(static_cast<std::size_t>(array.net_count), false);
  for (const GateNetlist::Port& port : array.ports) {
    for (const int net : port.nets) {
      once_a_cycle[static_cast<std::size_t>(net)] = port.is_input;
    }
  }
  for (const GateNetlist::Instance& instance : array.instances) {
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      if (instance.cell->pins[p].is_output && instance.cell->flip_flop) {
        once_a_cycle[static_cast<std::size_t>(instance.pin_nets[p])] = true;
      }
    }
  }
  int edge_flops = 0;
  int checked_nets = 0;
  for (const GateNetlist::Instance& instance : array.instances) {
    if (!instance.cell->flip_flop || instance.name.find(".u_pe.") != std::string::npos) {
      continue;
    }
    ++edge_flops;
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      const int net = instance.pin_nets[p];
      if (net > 1) {  // constants never switch
        CAPTURE(instance.name, instance.cell->pins[p].name, array.net_names[net]);
        CHECK(once_a_cycle[static_cast<std::size_t>(net)]);
        ++checked_nets;
      }
    }
  }
  CHECK(edge_flops == static_cast<int>(EdgeFlipFlopCount({4, 4})));
  CHECK(checked_nets >= 3 * edge_flops);  // D, CLK, Q at least
}

// The timed replay runs the same recorded inputs with glitches: each PE ends every cycle
// where the zero-delay replay does (the timed simulator's own test) and adds glitch pairs,
// so no PE can come out cheaper, and random tiles do glitch.
TEST_CASE("a timed replay adds each PE's glitches to the zero-delay replay", "[power][timed]") {
  const powersel::tb::ArrayShape shape{4, 4};
  const Recording recording = RecordRandomTiles(shape, 3);
  const GateEnergyOptions options;
  const NetlistDelays delays =
      StaticPeDelays(DefaultMappedDesign(), kDefaultLiberty, PeNetlist(), Osu018(), options);
  PeReplay zero_delay(shape, PeNetlist(), Osu018(), options);
  PeReplay timed(shape, PeNetlist(), Osu018(), options, &delays);
  zero_delay.Feed(recording.trace);
  timed.Feed(recording.trace);
  const ReplayEnergy zero_delay_energy = zero_delay.Result();
  const ReplayEnergy timed_energy = timed.Result();
  CHECK(zero_delay_energy.measurement == Measurement::kZeroDelay);
  CHECK(timed_energy.measurement == Measurement::kTimed);
  REQUIRE(timed_energy.pe_fj.size() == 16);
  for (std::size_t pe = 0; pe < timed_energy.pe_fj.size(); ++pe) {
    CAPTURE(pe);
    CHECK(timed_energy.pe_fj[pe] >= zero_delay_energy.pe_fj[pe]);
  }
  CHECK(timed_energy.total_fj > 1.05 * zero_delay_energy.total_fj);
}
