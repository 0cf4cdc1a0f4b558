#include "powersel/power/gate_pe.hpp"

#include <array>

#include "powersel/tb/array_shape.hpp"

namespace powersel::power {

namespace {

const std::vector<std::pair<std::string, std::string>> kOutputFeedsInput = {
    {"act_o", "act_i"},
    {"act_valid_o", "act_valid_i"},
    {"psum_o", "psum_i"},
    {"weight_o", "weight_i"}};

// Bit positions of one lane's inputs packed into a word, port by port in this order.
constexpr int kActBit = 0;
constexpr int kValidBit = kActBit + tb::kActivationBits;
constexpr int kPsumBit = kValidBit + 1;
constexpr int kWeightBit = kPsumBit + tb::kPsumBits;
constexpr int kShiftBit = kWeightBit + tb::kWeightBits;
constexpr int kResetBit = kShiftBit + 1;

std::uint64_t PackLane(const tb::PeInputs& in) {
  constexpr std::uint64_t kPsumMask = (std::uint64_t{1} << tb::kPsumBits) - 1;
  return std::uint64_t{in.act} << kActBit | std::uint64_t{in.act_valid} << kValidBit |
         (static_cast<std::uint64_t>(static_cast<std::uint32_t>(in.psum)) & kPsumMask) << kPsumBit |
         std::uint64_t{static_cast<std::uint8_t>(in.weight)} << kWeightBit |
         std::uint64_t{in.shift} << kShiftBit | std::uint64_t{in.rst_n} << kResetBit;
}

// Transposes a 64 x 64 bit matrix in place (Hacker's Delight, 6 swap stages): afterwards
// word b holds bit b of every original word, lane i at bit i.
void Transpose64(std::array<std::uint64_t, 64>& words) {
  std::uint64_t mask = 0x00000000FFFFFFFFULL;
  for (int width = 32; width != 0; width >>= 1, mask ^= mask << width) {
    for (int k = 0; k < 64; k = ((k | width) + 1) & ~width) {
      const std::uint64_t swap = ((words[static_cast<std::size_t>(k)] >> width) ^
                                  words[static_cast<std::size_t>(k | width)]) &
                                 mask;
      words[static_cast<std::size_t>(k)] ^= swap << width;
      words[static_cast<std::size_t>(k | width)] ^= swap;
    }
  }
}

void DrivePort(GateSimulator& simulator, const GateNetlist::Port& port,
               const std::array<std::uint64_t, 64>& planes, int first_bit) {
  for (std::size_t bit = 0; bit < port.nets.size(); ++bit) {
    simulator.SetInputBit(port.nets[bit], planes[static_cast<std::size_t>(first_bit) + bit]);
  }
}

}  // namespace

std::map<int, double> PeOutputLoads(const GateNetlist& netlist, const Library& library,
                                    const GateEnergyOptions& options) {
  // The input loads come from a first table; the outputs' external loads mirror them.
  const NetEnergyTable unloaded(netlist, library, options);
  return MirroredPortLoads(netlist, unloaded, kOutputFeedsInput);
}

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
  table_ = std::make_unique<NetEnergyTable>(netlist, library, options,
                                            PeOutputLoads(netlist, library, options));
  meter_ = std::make_unique<GateEnergyMeter>(*table_, netlist.net_count, lanes);
}

void GatePe::Step(std::span<const tb::PeInputs> lanes) {
  // Lane-major words to bit planes: one transpose instead of a loop per bit and lane.
  std::array<std::uint64_t, 64> planes{};
  for (std::size_t lane = 0; lane < lanes.size(); ++lane) {
    planes[lane] = PackLane(lanes[lane]);
  }
  Transpose64(planes);
  DrivePort(simulator_, *act_, planes, kActBit);
  DrivePort(simulator_, *act_valid_, planes, kValidBit);
  DrivePort(simulator_, *psum_, planes, kPsumBit);
  DrivePort(simulator_, *weight_, planes, kWeightBit);
  DrivePort(simulator_, *shift_, planes, kShiftBit);
  DrivePort(simulator_, *rst_n_, planes, kResetBit);
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
