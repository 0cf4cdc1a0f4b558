// The gate-level PE with its energy meter: up to 64 PEs (or 64 experiments) step at once,
// one per lane, each from its own input stream.
#pragma once

#include <map>
#include <memory>
#include <span>

#include "powersel/power/gate_energy.hpp"
#include "powersel/power/liberty.hpp"
#include "powersel/power/netlist.hpp"
#include "powersel/tb/pe_model.hpp"

namespace powersel::power {

// The load outside the PE netlist on each output port's nets, as GatePe prices it: the input
// it feeds in the neighbouring PE (pins + wire estimate). Static timing takes the same.
std::map<int, double> PeOutputLoads(const GateNetlist& netlist, const Library& library,
                                    const GateEnergyOptions& options);

class GatePe {
 public:
  static constexpr int kLanes = 64;

  // `netlist` is module ws_pe_gates. Each output port is loaded like the input it feeds in
  // the neighbouring PE (act_o -> act_i, psum_o -> psum_i, ...).
  GatePe(const GateNetlist& netlist, const Library& library, const GateEnergyOptions& options,
         int lanes);

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
  GateSimulator simulator_;
  const GateNetlist::Port* act_;
  const GateNetlist::Port* act_valid_;
  const GateNetlist::Port* psum_;
  const GateNetlist::Port* weight_;
  const GateNetlist::Port* shift_;
  const GateNetlist::Port* rst_n_;
};

}  // namespace powersel::power
