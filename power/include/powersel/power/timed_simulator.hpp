// The timed gate-level simulator: event-driven with per-arc delays from static timing, so that
// glitches are seen and counted; 64 lanes per pass like the zero-delay GateSimulator.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "powersel/power/netlist.hpp"
#include "powersel/power/sdf.hpp"

namespace powersel::power {

struct TimedOptions {
  // When the primary inputs change after the rising edge, in ps: 0 drives them at the edge,
  // as the RTL harness does (the flip-flops still capture the previous cycle's values).
  int input_offset_ps = 0;
  // Every event must fall inside the cycle: a netlist that does not settle is an error.
  int clock_period_ps = 20'000;
};

// Delay rule (Icarus Verilog's module-path rule, vvp_fun_modpath, which the Icarus check
// reproduces): every cell output keeps its latest evaluated value. When an evaluation at time t
// changes it, an update is scheduled at t + d, d = the delay of the arc from the input that
// changed at t (the smallest if several did), rise or fall by the new value. At an update the
// output takes the latest evaluated value of that moment. So a pulse shorter than the arc
// delay is filtered (inertial delay): when the update comes, the value has returned.
// Flip-flops: at the rising edge (t = 0) the state takes D; Q follows after the CLK->Q arc.
// Delays are whole picoseconds, ns * 1000 rounded half up, as Icarus rounds SDF values at a
// 1 ps precision. Every transition is counted, glitches included.
class TimedSimulator {
 public:
  static constexpr int kLanes = 64;

  // Throws InputError when a cell arc that can fire has no delay in `delays`.
  TimedSimulator(const GateNetlist& netlist, const NetlistDelays& delays,
                 const TimedOptions& options = {});
  ~TimedSimulator();
  TimedSimulator(const TimedSimulator&) = delete;
  TimedSimulator& operator=(const TimedSimulator&) = delete;

  // Sets an input port's bit (lane mask) for the next Step().
  void SetInputBit(int input_net, std::uint64_t lanes);

  // One clock cycle: rising edge, inputs, events until everything settles.
  void Step();

  std::uint64_t Value(int net) const;
  std::int64_t PortValue(const GateNetlist::Port& port, int lane, bool sign_extend) const;

  // Every transition of the last Step() in time order, glitches included: the net and the
  // lanes in which it rose and fell at that moment (GateEnergyMeter prices them).
  struct Transition {
    int net;
    std::uint64_t rose;
    std::uint64_t fell;
  };
  std::span<const Transition> transitions() const;
  // The latest event time of the last Step(), ps after the edge.
  int last_event_ps() const { return last_event_ps_; }

  const GateNetlist& netlist() const { return netlist_; }

 private:
  class Impl;
  const GateNetlist& netlist_;
  std::unique_ptr<Impl> impl_;
  int last_event_ps_ = 0;
};

}  // namespace powersel::power
