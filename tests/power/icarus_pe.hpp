// The independent check of the timed simulator: the same PE netlist, SDF and stimulus in Icarus
// Verilog with the qflow library's own cell models (UDPs and specify blocks), its per-net
// transitions counted from a VCD of every cell output and input port.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "powersel/power/netlist.hpp"
#include "powersel/tb/pe_model.hpp"

namespace powersel::power::testing {

// The qflow cell models, found where Debian's qflow-tech-osu018 puts them.
inline const std::filesystem::path kQflowOsu018Cells =
    "/usr/share/qflow/tech/osu018/osu018_stdcells.v";

// OpenSTA's SDF made readable by Icarus 11 (TOOLCHAIN.md): INTERCONNECT and TIMINGCHECK
// dropped, each (min::max) replaced by its max, the value ReadSdf takes.
std::string CleanSdfForIcarus(const std::string& sdf);

struct IcarusCounts {
  // [pe][net]: transitions from the rising edge of cycle `first_counted` to the end.
  std::vector<std::vector<std::uint64_t>> rises;
  std::vector<std::vector<std::uint64_t>> falls;
  std::uint64_t unknown_transitions = 0;  // to or from x/z inside the window: must be 0
  std::string log;                        // iverilog and vvp output
};

// Simulates one ws_pe_gates per stream in one Icarus run (`dir` keeps its files). Inputs change
// at each rising edge, after the flip-flops sampled (non-blocking assignments), as in
// TimedSimulator with input_offset_ps = 0. Throws std::runtime_error if a tool fails.
IcarusCounts RunIcarusPe(const GateNetlist& netlist, const std::filesystem::path& pe_verilog,
                         const std::filesystem::path& sdf,
                         const std::vector<std::vector<tb::PeInputs>>& streams, int first_counted,
                         const std::filesystem::path& dir);

}  // namespace powersel::power::testing
