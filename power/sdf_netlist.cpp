// SDF cells laid onto a GateNetlist's instances by name, with the liberty's delay arcs as the
// list of what must be there.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "powersel/common/errors.hpp"
#include "powersel/power/sdf.hpp"

namespace powersel::power {

namespace {

int PinIndex(const LibertyCell& cell, const std::string& name) {
  for (std::size_t i = 0; i < cell.pins.size(); ++i) {
    if (cell.pins[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

NetlistDelays AnnotateDelays(const GateNetlist& netlist, const SdfFile& sdf) {
  NetlistDelays delays;
  delays.instances.resize(netlist.instances.size());
  std::unordered_map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < netlist.instances.size(); ++i) {
    by_name.emplace(netlist.instances[i].name, i);
  }
  std::vector<bool> has_cell(netlist.instances.size(), false);
  for (const SdfCell& cell : sdf.cells) {
    if (cell.instance.empty()) {
      continue;  // the design itself: INTERCONNECTs only
    }
    const auto found = by_name.find(cell.instance);
    if (found == by_name.end()) {
      delays.unknown_instances.push_back(cell.instance);
      continue;
    }
    const GateNetlist::Instance& instance = netlist.instances[found->second];
    const LibertyCell& type = *instance.cell;
    if (cell.cell_type != type.name) {
      throw InputError(sdf.origin, fmt::format("line {}", cell.line),
                       fmt::format("expected instance {} to be a {} as in the netlist, got {}",
                                   cell.instance, type.name, cell.cell_type));
    }
    has_cell[found->second] = true;
    for (const SdfArc& arc : cell.arcs) {
      const int from = PinIndex(type, arc.from_pin);
      const int to = PinIndex(type, arc.to_pin);
      if (from < 0 || to < 0 || type.pins[static_cast<std::size_t>(from)].is_output ||
          !type.pins[static_cast<std::size_t>(to)].is_output) {
        throw InputError(sdf.origin, fmt::format("line {}", arc.line),
                         fmt::format("expected an IOPATH from an input to an output of {}, got "
                                     "{} -> {}",
                                     type.name, arc.from_pin, arc.to_pin));
      }
      delays.instances[found->second].push_back({from, to, arc.edge, arc.rise_ns, arc.fall_ns});
    }
  }

  // What the liberty calls for: an arc from every related pin of each output's timing groups;
  // an output with no timing group at all must still have some arc.
  for (std::size_t i = 0; i < netlist.instances.size(); ++i) {
    const GateNetlist::Instance& instance = netlist.instances[i];
    if (!has_cell[i]) {
      delays.missing.push_back(instance.name + ": no CELL");
      continue;
    }
    const std::vector<NetlistDelays::Arc>& arcs = delays.instances[i];
    for (std::size_t to = 0; to < instance.cell->pins.size(); ++to) {
      const LibertyPin& output = instance.cell->pins[to];
      if (!output.is_output) {
        continue;
      }
      auto has_arc = [&](int from) {
        return std::any_of(arcs.begin(), arcs.end(), [&](const NetlistDelays::Arc& arc) {
          return arc.to_pin == static_cast<int>(to) && (from < 0 || arc.from_pin == from);
        });
      };
      if (output.timing_from.empty() && !has_arc(-1)) {
        delays.missing.push_back(fmt::format("{}: no arc to {}", instance.name, output.name));
      }
      for (const std::string& from : output.timing_from) {
        const int from_pin = PinIndex(*instance.cell, from);
        if (from_pin < 0 || !has_arc(from_pin)) {
          delays.missing.push_back(fmt::format("{}: {} -> {}", instance.name, from, output.name));
        }
      }
    }
  }
  return delays;
}

}  // namespace powersel::power
