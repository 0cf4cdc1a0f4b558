// The gate-level PE with its energy meter: up to 64 PEs (or 64 experiments) step at once,
// one per lane, each from its own input stream.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <span>

#include "powersel/power/gate_energy.hpp"
#include "powersel/power/liberty.hpp"
#include "powersel/power/measurement.hpp"
#include "powersel/power/netlist.hpp"
#include "powersel/power/sdf.hpp"
#include "powersel/power/synth.hpp"
#include "powersel/power/timed_simulator.hpp"
#include "powersel/tb/pe_model.hpp"

namespace powersel::power {

// The load outside the PE netlist on each output port's nets, as GatePe prices it: the input
// it feeds in the neighbouring PE (pins + wire estimate). Static timing takes the same.
std::map<int, double> PeOutputLoads(const GateNetlist& netlist, const Library& library,
                                    const GateEnergyOptions& options);

// The PE's per-arc delays from OpenSTA at the loads GatePe prices: `design`'s PE (whose
// netlist is `netlist`) on `liberty`, the SDF cached in the design's folder (sta/).
NetlistDelays StaticPeDelays(const MappedDesign& design, const std::filesystem::path& liberty,
                             const GateNetlist& netlist, const Library& library,
                             const GateEnergyOptions& options);

// What a PE's clock costs: the free-running part every cycle, and what its clock gates add
// in the cycles they let through (a plain PE's gates add nothing). A gate lets an edge through
// when its enable was high in the cycle before: the counts are of those cycles.
struct PeClockEnergy {
  double free_fj = 0;
  double load_fj = 0;   // added by a cycle with wload_shift_i high
  double valid_fj = 0;  // added by a cycle with act_valid_i high

  double Energy(double cycles, double load_cycles, double valid_cycles) const {
    return free_fj * cycles + load_fj * load_cycles + valid_fj * valid_cycles;
  }
};

class GatePe;

// Measured on the gate-level PE: lanes held idle, loading and streaming.
PeClockEnergy MeasurePeClock(const GateNetlist& netlist, const Library& library,
                             const GateEnergyOptions& options, const NetlistDelays* delays);

class GatePe {
 public:
  static constexpr int kLanes = 64;

  // `netlist` is module ws_pe_gates. Each output port is loaded like the input it feeds in
  // the neighbouring PE (act_o -> act_i, psum_o -> psum_i, ...). With `delays` the timed
  // simulator measures (glitches counted); without, the zero-delay one.
  GatePe(const GateNetlist& netlist, const Library& library, const GateEnergyOptions& options,
         int lanes, const NetlistDelays* delays = nullptr);
  Measurement measurement() const { return timed_ ? Measurement::kTimed : Measurement::kZeroDelay; }

  // A rising edge for every lane, then each lane's new inputs (tb::PeModel's order).
  void Step(std::span<const tb::PeInputs> lanes);
  tb::PeOutputs Outputs(int lane) const;

  const GateNetlist& netlist() const { return netlist_; }
  const NetEnergyTable& table() const { return *table_; }
  GateEnergyMeter& meter() { return *meter_; }
  const GateEnergyMeter& meter() const { return *meter_; }

 private:
  const GateNetlist& netlist_;
  std::unique_ptr<NetEnergyTable> table_;
  std::unique_ptr<GateEnergyMeter> meter_;
  std::unique_ptr<GateSimulator> zero_delay_;  // one of the two
  std::unique_ptr<TimedSimulator> timed_;
  // act_i, act_valid_i, psum_i, weight_i, wload_shift_i, rst_ni: tb::PeInputs' fields.
  std::array<const GateNetlist::Port*, 6> inputs_;
};

}  // namespace powersel::power
