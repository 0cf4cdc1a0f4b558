// A gate-level netlist mapped to a Liberty library (Yosys `write_json`), and a zero-delay
// cycle simulator for it that runs 64 independent lanes at once.
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
};

// Reads module `module` of a Yosys JSON netlist whose cells all come from `library`.
// Throws InputError for a missing file, bad JSON or a cell the library lacks.
GateNetlist ReadGateNetlist(const std::filesystem::path& json, const std::string& module,
                            const Library& library);

// Bit-parallel zero-delay simulation: every uint64 holds one value per lane. A cycle is one
// rising edge of the (single) clock: flip-flops capture what their inputs settled to, the new
// primary inputs apply, and the combinational logic settles once; glitches are not modelled.
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
  std::unique_ptr<Impl> impl_;
};

}  // namespace powersel::power
