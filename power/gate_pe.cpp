#include "powersel/power/gate_pe.hpp"

#include "powersel/tb/array_shape.hpp"

namespace powersel::power {

namespace {

const std::vector<std::pair<std::string, std::string>> kOutputFeedsInput = {
    {"act_o", "act_i"},
    {"act_valid_o", "act_valid_i"},
    {"psum_o", "psum_i"},
    {"weight_o", "weight_i"}};

// Sets each bit of `port` from bit b of every lane's value.
template <typename Field>
void DriveBits(GateSimulator& simulator, const GateNetlist::Port& port,
               std::span<const tb::PeInputs> lanes, Field field) {
  for (std::size_t bit = 0; bit < port.nets.size(); ++bit) {
    std::uint64_t plane = 0;
    for (std::size_t lane = 0; lane < lanes.size(); ++lane) {
      plane |= ((static_cast<std::uint64_t>(field(lanes[lane])) >> bit) & 1U) << lane;
    }
    simulator.SetInputBit(port.nets[bit], plane);
  }
}

}  // namespace

GatePe::GatePe(const GateNetlist& netlist, const Library& library, const GateEnergyOptions& options,
               int lanes)
    : netlist_(netlist),
      simulator_(netlist),
      act_(&netlist.FindPort("act_i")),
      act_valid_(&netlist.FindPort("act_valid_i")),
      psum_(&netlist.FindPort("psum_i")),
      weight_(&netlist.FindPort("weight_i")),
      shift_(&netlist.FindPort("wload_shift_i")),
      rst_n_(&netlist.FindPort("rst_ni")) {
  // The input loads come from a first table; the outputs' external loads mirror them.
  const NetEnergyTable unloaded(netlist, library, options);
  table_ = std::make_unique<NetEnergyTable>(
      netlist, library, options, MirroredPortLoads(netlist, unloaded, kOutputFeedsInput));
  meter_ = std::make_unique<GateEnergyMeter>(*table_, netlist.net_count, lanes);
}

void GatePe::Step(std::span<const tb::PeInputs> lanes) {
  DriveBits(simulator_, *act_, lanes, [](const tb::PeInputs& in) { return in.act; });
  DriveBits(simulator_, *act_valid_, lanes, [](const tb::PeInputs& in) { return in.act_valid; });
  DriveBits(simulator_, *psum_, lanes,
            [](const tb::PeInputs& in) { return static_cast<std::uint32_t>(in.psum); });
  DriveBits(simulator_, *weight_, lanes,
            [](const tb::PeInputs& in) { return static_cast<std::uint8_t>(in.weight); });
  DriveBits(simulator_, *shift_, lanes, [](const tb::PeInputs& in) { return in.shift; });
  DriveBits(simulator_, *rst_n_, lanes, [](const tb::PeInputs& in) { return in.rst_n; });
  simulator_.Step();
  meter_->Accumulate(simulator_);
}

tb::PeOutputs GatePe::Outputs(int lane) const {
  return {
      static_cast<std::uint8_t>(simulator_.PortValue(netlist_.FindPort("act_o"), lane, false)),
      simulator_.PortValue(netlist_.FindPort("act_valid_o"), lane, false) != 0,
      static_cast<std::int32_t>(simulator_.PortValue(netlist_.FindPort("psum_o"), lane, true)),
      static_cast<std::int8_t>(simulator_.PortValue(netlist_.FindPort("weight_o"), lane, true))};
}

}  // namespace powersel::power
