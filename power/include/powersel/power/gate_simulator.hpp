// The gate-level netlist simulator: bit-parallel over 64 lanes, zero delay.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "powersel/power/netlist.hpp"

namespace powersel::power {

// Bit-parallel zero-delay simulation: every uint64 holds one value per lane. A cycle is one
// rising edge of the (single) clock: flip-flops capture what their inputs settled to, the new
// primary inputs apply, and the combinational logic settles once; glitches are not modelled.
// A netlist with clock gates (latch + gate on the clock) has its clock simulated: at the
// rising edge the clock tree settles high and a gated flip-flop captures only where its clock
// rose; after the logic settles the clock falls, opening the gates' latches. A net may then
// rise and fall in one cycle (a gated clock), and rises() and falls() both show it.
class GateSimulator {
 public:
  explicit GateSimulator(const GateNetlist& netlist);
  ~GateSimulator();
  GateSimulator(const GateSimulator&) = delete;
  GateSimulator& operator=(const GateSimulator&) = delete;

  // Sets an input port's bit (lane mask per bit) for the next Step().
  void SetInputBit(int input_net, std::uint64_t lanes);
  // Sets an input port from per-lane integer values (bit i of value -> port bit i).
  void SetInput(const GateNetlist::Port& port, std::span<const std::int64_t> lane_values);

  void Step();

  std::uint64_t Value(int net) const { return values_[static_cast<std::size_t>(net)]; }
  std::int64_t PortValue(const GateNetlist::Port& port, int lane, bool sign_extend) const;

  // Transitions of the last Step(), per net: lanes that rose and lanes that fell.
  std::span<const std::uint64_t> rises() const { return rises_; }
  std::span<const std::uint64_t> falls() const { return falls_; }

  const GateNetlist& netlist() const { return netlist_; }

 private:
  class Impl;
  const GateNetlist& netlist_;
  std::vector<std::uint64_t> values_;
  std::vector<std::uint64_t> previous_;
  std::vector<std::uint64_t> pending_inputs_;
  std::vector<std::uint64_t> rises_;
  std::vector<std::uint64_t> falls_;
  std::vector<std::uint64_t> middle_;  // nets before a phase of the falling edge
  std::unique_ptr<Impl> impl_;
};

}  // namespace powersel::power
