// Mapping the RTL to a standard-cell library with Yosys (rtl/synth/map_array.tcl).
#pragma once

#include <filesystem>
#include <string>

#include "powersel/power/pe_features.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::power {

struct MappedDesign {
  std::filesystem::path netlist_json;  // modules ws_array and ws_pe_gates
  std::filesystem::path report;        // Yosys `stat -liberty`: cells and area per module
  std::filesystem::path pe_verilog;    // module ws_pe_gates alone, for Verilator and OpenSTA
};

// Runs Yosys on the array of `shape` (its PEs with `pe`'s features) for `liberty`, writing
// into `dir`. Throws InputError if Yosys is missing or fails (its log is left in `dir`).
MappedDesign MapArrayToLibrary(const std::filesystem::path& liberty, tb::ArrayShape shape,
                               const std::filesystem::path& dir, const PeFeatures& pe = {});

// The netlist mapped to the default library at build time (4x4 array).
MappedDesign DefaultMappedDesign();

}  // namespace powersel::power
