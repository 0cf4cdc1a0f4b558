// The default library and the netlist mapped to it at configure time, read once per test
// program.
#pragma once

#include "powersel/power/liberty.hpp"
#include "powersel/power/netlist.hpp"
#include "powersel/power/synth.hpp"

namespace powersel::power::testing {

inline const Library& Osu018() {
  static const Library library = ReadLiberty(kDefaultLiberty);
  return library;
}

inline const GateNetlist& DefaultNetlist(const std::string& module) {
  static std::map<std::string, GateNetlist> netlists;
  auto found = netlists.find(module);
  if (found == netlists.end()) {
    found =
        netlists
            .emplace(module, ReadGateNetlist(DefaultMappedDesign().netlist_json, module, Osu018()))
            .first;
  }
  return found->second;
}

inline const GateNetlist& PeNetlist() {
  return DefaultNetlist("ws_pe_gates");
}

}  // namespace powersel::power::testing
