// Per-instance, per-arc cell delays from static timing: OpenSTA run on a mapped netlist at
// the loads the energy model prices, its SDF read back and laid onto the GateNetlist.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "powersel/power/gate_energy.hpp"
#include "powersel/power/liberty.hpp"
#include "powersel/power/netlist.hpp"

namespace powersel::power {

// One IOPATH of a cell instance. Of a (min:typ:max) triple the typical value is taken, and
// where it is left out (OpenSTA writes (min::max)) the maximum: the delay at the slowest
// propagated input slew, the one static timing reports. An empty value "()" stays empty
// (e.g. a clear arc only makes the output fall).
struct SdfArc {
  std::string from_pin;  // input pin, e.g. "A" or "CLK"
  std::string edge;      // "posedge"/"negedge" for (posedge CLK); empty for any edge
  std::string to_pin;    // output pin
  std::optional<double> rise_ns;
  std::optional<double> fall_ns;
  int line = 0;
};

struct SdfCell {
  std::string cell_type;
  std::string instance;  // escapes removed, hierarchy joined with '.'; empty for the design
  std::vector<SdfArc> arcs;
  int line = 0;
};

struct SdfFile {
  std::string origin;  // the file, for messages
  std::string design;
  double timescale_ns = 1;  // already applied to every delay below
  std::vector<SdfCell> cells;
  // INTERCONNECT delays are not kept (without parasitics OpenSTA writes zeros); their
  // largest magnitude is, so that a caller can check that nothing was dropped.
  double max_interconnect_ns = 0;
};

// Parses SDF text; `origin` names it in errors. Throws InputError naming the origin, the line
// and what was expected for anything malformed or unsupported (COND, nested pulse limits).
SdfFile ParseSdf(const std::string& text, const std::string& origin);
SdfFile ReadSdf(const std::filesystem::path& file);

// The SDF laid onto a netlist: per instance (GateNetlist::instances order) the arcs, pins as
// indices into the instance's LibertyCell::pins.
struct NetlistDelays {
  struct Arc {
    int from_pin = 0;
    int to_pin = 0;
    std::string edge;
    std::optional<double> rise_ns;
    std::optional<double> fall_ns;
  };
  std::vector<std::vector<Arc>> instances;
  // What the liberty's delay arcs (LibertyPin::timing_from) call for and the SDF lacks, as
  // "instance: FROM -> TO" or "instance: no CELL"; and SDF instances the netlist lacks.
  std::vector<std::string> missing;
  std::vector<std::string> unknown_instances;
};

// Matches SDF cells to netlist instances by name. Throws InputError (file, line) when an SDF
// instance's cell type differs from the netlist's or an IOPATH names a pin the cell lacks.
NetlistDelays AnnotateDelays(const GateNetlist& netlist, const SdfFile& sdf);

// What OpenSTA is told besides the netlist: the nominal input slew and the wire estimate of
// the energy model (so delays see the load it prices), and the clock period.
struct StaticTimingSpec {
  std::filesystem::path liberty;
  std::filesystem::path verilog;  // the netlist of `netlist`'s module (e.g. ws_pe_gates.v)
  std::filesystem::path dir;      // where the SDF, its log and the command file are kept
  GateEnergyOptions options;
  double clock_period_ns = 20;
};

// Runs OpenSTA (rtl/synth/write_sdf.tcl) on `netlist` with per-net loads: the wire estimate
// on every net with fan-out, and `external_load_pf` (e.g. the neighbouring PE's input, as the
// energy model prices it) on the output ports. Returns the SDF, cached in spec.dir under a
// content hash of the liberty, the Verilog, the loads and the script, so that a second call
// only hashes. Throws InputError if `sta` is missing or fails (its log is kept in spec.dir).
std::filesystem::path WriteSdfWithOpenSta(const GateNetlist& netlist, const Library& library,
                                          const StaticTimingSpec& spec,
                                          const std::map<int, double>& external_load_pf);

}  // namespace powersel::power
