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

// The first bit of each input port in PackLane's word, in GatePe::inputs_ order.
constexpr std::array<int, 6> kFirstBits = {kActBit,    kValidBit, kPsumBit,
                                           kWeightBit, kShiftBit, kResetBit};
constexpr std::array<const char*, 6> kInputPorts = {"act_i",    "act_valid_i",   "psum_i",
                                                    "weight_i", "wload_shift_i", "rst_ni"};

template <typename Simulator>
void DrivePorts(Simulator& simulator, const std::array<const GateNetlist::Port*, 6>& ports,
                const std::array<std::uint64_t, 64>& planes) {
  for (std::size_t p = 0; p < ports.size(); ++p) {
    for (std::size_t bit = 0; bit < ports[p]->nets.size(); ++bit) {
      simulator.SetInputBit(ports[p]->nets[bit],
                            planes[static_cast<std::size_t>(kFirstBits[p]) + bit]);
    }
  }
}

}  // namespace

std::map<int, double> PeOutputLoads(const GateNetlist& netlist, const Library& library,
                                    const GateEnergyOptions& options) {
  // The input loads come from a first table; the outputs' external loads mirror them.
  const NetEnergyTable unloaded(netlist, library, options);
  return MirroredPortLoads(netlist, unloaded, kOutputFeedsInput);
}

NetlistDelays StaticPeDelays(const MappedDesign& design, const std::filesystem::path& liberty,
                             const GateNetlist& netlist, const Library& library,
                             const GateEnergyOptions& options) {
  const StaticTimingSpec timing{liberty, design.pe_verilog,
                                design.netlist_json.parent_path() / "sta", options};
  return AnnotateDelays(netlist,
                        ReadSdf(WriteSdfWithOpenSta(netlist, library, timing,
                                                    PeOutputLoads(netlist, library, options))));
}

GatePe::GatePe(const GateNetlist& netlist, const Library& library, const GateEnergyOptions& options,
               int lanes, const NetlistDelays* delays)
    : netlist_(netlist) {
  for (std::size_t p = 0; p < inputs_.size(); ++p) {
    inputs_[p] = &netlist.FindPort(kInputPorts[p]);
  }
  if (delays != nullptr) {
    timed_ = std::make_unique<TimedSimulator>(netlist, *delays);
  } else {
    zero_delay_ = std::make_unique<GateSimulator>(netlist);
  }
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
  if (timed_) {
    DrivePorts(*timed_, inputs_, planes);
    timed_->Step();
    meter_->Accumulate(*timed_);
  } else {
    DrivePorts(*zero_delay_, inputs_, planes);
    zero_delay_->Step();
    meter_->Accumulate(*zero_delay_);
  }
}

tb::PeOutputs GatePe::Outputs(int lane) const {
  auto port = [&](const char* name, bool sign_extend) {
    const GateNetlist::Port& found = netlist_.FindPort(name);
    return timed_ ? timed_->PortValue(found, lane, sign_extend)
                  : zero_delay_->PortValue(found, lane, sign_extend);
  };
  return {static_cast<std::uint8_t>(port("act_o", false)), port("act_valid_o", false) != 0,
          static_cast<std::int32_t>(port("psum_o", true)),
          static_cast<std::int8_t>(port("weight_o", true))};
}

PeClockEnergy MeasurePeClock(const GateNetlist& netlist, const Library& library,
                             const GateEnergyOptions& options, const NetlistDelays* delays) {
  constexpr int kWarmUp = 4;  // the gates' latches take their enables
  constexpr int kCycles = 64;
  enum Lane { kIdle, kLoading, kStreaming, kLanesUsed };
  GatePe pe(netlist, library, options, kLanesUsed, delays);
  std::array<tb::PeInputs, kLanesUsed> inputs{};
  for (tb::PeInputs& in : inputs) {
    in.rst_n = true;
  }
  inputs[kLoading].shift = true;
  inputs[kStreaming].act_valid = true;
  auto clock = [&](int lane) { return pe.meter().lane_clock_fj()[static_cast<std::size_t>(lane)]; };
  for (int cycle = 0; cycle < kWarmUp; ++cycle) {
    pe.Step(inputs);
  }
  std::array<double, kLanesUsed> before{};
  for (int lane = 0; lane < kLanesUsed; ++lane) {
    before[static_cast<std::size_t>(lane)] = clock(lane);
  }
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    pe.Step(inputs);
  }
  auto per_cycle = [&](int lane) {
    return (clock(lane) - before[static_cast<std::size_t>(lane)]) / kCycles;
  };
  return {per_cycle(kIdle), per_cycle(kLoading) - per_cycle(kIdle),
          per_cycle(kStreaming) - per_cycle(kIdle)};
}

}  // namespace powersel::power
