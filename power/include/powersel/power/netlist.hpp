// A gate-level netlist mapped to a Liberty library (Yosys `write_json`): cells, nets, ports.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "powersel/power/liberty.hpp"

namespace powersel::power {

// Nets are numbered densely; net 0 is constant 0 and net 1 constant 1.
struct GateNetlist {
  struct Port {
    std::string name;
    bool is_input = false;
    std::vector<int> nets;  // bit 0 first
  };
  struct Instance {
    std::string name;
    const LibertyCell* cell = nullptr;
    std::vector<int> pin_nets;  // one per cell pin, in LibertyCell::pins order
  };

  std::string module;
  int net_count = 2;
  std::vector<Port> ports;
  std::vector<Instance> instances;
  std::vector<std::string> net_names;  // a readable name per net ("psum_q[3]", "_123_")
  // Flattened submodule instances ("gen_row[0].gen_col[1].u_pe"): their ports' nets.
  std::map<std::string, std::map<std::string, std::vector<int>>> submodule_ports;

  const Port& FindPort(const std::string& name) const;  // throws std::out_of_range
  int FlipFlopCount() const;
  // Per net, 1 if a flip-flop output drives it.
  std::vector<std::uint8_t> RegisterNets() const;
  // Per net, 1 if it is one of `nets` or driven through combinational cells from one of them
  // (flip-flops and latches end the cone).
  std::vector<std::uint8_t> CombinationalFanOut(std::span<const int> nets) const;

  // The clock: the primary input whose combinational cone reaches the flip-flops' clock pins,
  // and that cone split into free-running nets (the input and buffers or inverters of it
  // alone: they toggle every cycle) and gated ones (clock gates' outputs: they toggle only in
  // the cycles their enable lets through).
  struct ClockTree {
    int root = -1;                           // -1: no flip-flop is clocked from an input
    std::vector<std::uint8_t> free_running;  // per net
    std::vector<std::uint8_t> gated;         // per net
    bool has_gated = false;
  };
  // Throws InputError when more than one input clocks flip-flops.
  ClockTree FindClockTree() const;
};

// A port's value in one lane of a 64-lane simulation, from its nets' words (`word(net)`),
// bit 0 first; `sign_extend` takes the top bit as the sign.
template <typename NetWord>
std::int64_t LanePortValue(const GateNetlist::Port& port, int lane, bool sign_extend,
                           NetWord word) {
  std::uint64_t value = 0;
  for (std::size_t bit = 0; bit < port.nets.size(); ++bit) {
    value |= ((word(port.nets[bit]) >> lane) & 1U) << bit;
  }
  const std::size_t width = port.nets.size();
  if (sign_extend && width < 64 && ((value >> (width - 1)) & 1U) != 0) {
    value |= ~std::uint64_t{0} << width;
  }
  return static_cast<std::int64_t>(value);
}

// Reads module `module` of a Yosys JSON netlist whose cells all come from `library`.
// Throws InputError for a missing file, bad JSON or a cell the library lacks.
GateNetlist ReadGateNetlist(const std::filesystem::path& json, const std::string& module,
                            const Library& library);

}  // namespace powersel::power
