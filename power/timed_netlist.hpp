// The netlist as the timed simulator runs it: cell functions with their per-input arc delays
// in whole picoseconds, flip-flops with their clock and asynchronous arcs.
#pragma once

#include <optional>
#include <vector>

#include "boolean_function.hpp"
#include "powersel/power/netlist.hpp"
#include "powersel/power/sdf.hpp"

namespace powersel::power::detail {

struct CombinationalOutput {
  int net;
  BooleanFunction function;
  std::vector<int> inputs;
  std::vector<int> rise_ps;  // per input: the arc from that input to this output
  std::vector<int> fall_ps;
  std::vector<int> rise_order;  // inputs by ascending delay: the first changed one wins
  std::vector<int> fall_order;
  // Bit m is the function's value when input i is bit i of m (cells of up to 6 inputs).
  std::uint64_t truth_table = 0;
};

// Cells with more inputs are refused (no standard-cell library we know has them).
inline constexpr int kMaxCellInputs = 6;

struct FlipFlopOutput {
  int net;
  BooleanFunction function;  // of (state, state_inverse)
  int clock_rise_ps;
  int clock_fall_ps;
  int async_rise_ps;  // preset/clear arcs, the fastest of them
  int async_fall_ps;
};

struct FlipFlop {
  int clock_net = -1;             // set when a clock gate drives the clock pin
  std::vector<int> async_inputs;  // the nets of its clear and preset pins
  std::vector<int> inputs;
  BooleanFunction next_state;
  std::optional<BooleanFunction> clear;
  std::optional<BooleanFunction> preset;
  std::vector<FlipFlopOutput> outputs;
};

// A latch is a combinational output with its own state as the last input: state' = enable ?
// data_in : state, with the data and enable arcs from static timing.
struct TimedNetlist {
  std::vector<CombinationalOutput> outputs;
  std::vector<FlipFlop> flops;
  GateNetlist::ClockTree clock;
  // With clock gates: the clock tree's cells as one zero-delay program in topological order,
  // to know at the edge which gated clocks will rise, and the nets it reads.
  NetProgram clock_logic;
  std::vector<int> clock_reads;
};

// Delays rounded as Icarus rounds SDF values at a 1 ps precision: (time64)(ns * 1000 + 0.5).
int DelayPs(double ns);

// Throws InputError naming the cell when an arc that can fire has no rise and fall delay.
TimedNetlist CompileTimedNetlist(const GateNetlist& netlist, const NetlistDelays& delays);

}  // namespace powersel::power::detail
