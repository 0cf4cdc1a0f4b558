// OpenSTA run from C++ like Yosys in synth.cpp: a subprocess with the loads of the energy
// model written out as a Tcl command file, its SDF cached by content.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/shell.hpp"
#include "powersel/power/sdf.hpp"

namespace powersel::power {

namespace {

// A name OpenSTA's Tcl can take inside braces and match as itself: the flat PE's "_12_" and
// "psum_o[3]". Names Yosys leaves escaped ($abc$...) or hierarchical ones are refused.
std::string StaName(const std::string& name, const std::filesystem::path& verilog) {
  for (const char c : name) {
    const bool plain =
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '[' || c == ']';
    if (!plain) {
      throw InputError(verilog.string(), name,
                       "static timing takes flat netlists with plain names (run Yosys' "
                       "rename -enumerate, as map_array.tcl does)");
    }
  }
  return name;
}

// The command file: constraints and the per-net loads. A net's load is set through one of its
// sink pins, the only handle that every net with fan-out has (an input port's net included).
std::string Commands(const GateNetlist& netlist, const Library& library,
                     const StaticTimingSpec& spec, const std::map<int, double>& external_load_pf) {
  const std::size_t nets = static_cast<std::size_t>(netlist.net_count);
  std::vector<int> fanout(nets, 0);
  std::vector<std::string> sink(nets);
  std::vector<bool> is_clock(nets, false);
  for (const GateNetlist::Instance& instance : netlist.instances) {
    for (std::size_t p = 0; p < instance.cell->pins.size(); ++p) {
      const LibertyPin& pin = instance.cell->pins[p];
      const std::size_t net = static_cast<std::size_t>(instance.pin_nets[p]);
      if (!pin.is_output) {
        if (fanout[net]++ == 0) {
          sink[net] = StaName(instance.name, spec.verilog) + "/" + StaName(pin.name, spec.verilog);
        }
        is_clock[net] = is_clock[net] || pin.is_clock;
      }
    }
  }
  std::string clock_port;
  std::string port_loads;
  for (const GateNetlist::Port& port : netlist.ports) {
    for (std::size_t bit = 0; bit < port.nets.size(); ++bit) {
      const int net = port.nets[bit];
      const std::string name =
          port.nets.size() == 1 ? port.name : fmt::format("{}[{}]", port.name, bit);
      if (port.is_input && net > 1 && is_clock[static_cast<std::size_t>(net)]) {
        clock_port = StaName(name, spec.verilog);
      }
      const auto external = external_load_pf.find(net);
      if (!port.is_input && external != external_load_pf.end()) {
        port_loads += fmt::format("  {{{} {:.6g}}}\n", StaName(name, spec.verilog),
                                  external->second / library.capacitance_unit_pf);
      }
    }
  }
  // The energy model's wire estimate (NetEnergyTable): a net with fan-out n carries
  // base + n x per-fan-out of wire besides its pins; constants (nets 0, 1) switch nothing.
  std::string net_loads;
  for (std::size_t net = 2; net < nets; ++net) {
    if (fanout[net] > 0) {
      const double wire_pf =
          spec.options.wire_base_pf + spec.options.wire_per_fanout_pf * fanout[net];
      net_loads +=
          fmt::format("  {{{} {:.6g}}}\n", sink[net], wire_pf / library.capacitance_unit_pf);
    }
  }
  return fmt::format(
      "# Written by powersel for rtl/synth/write_sdf.tcl: constraints and loads of {}.\n"
      "set powersel_module {}\nset powersel_clock_port {{{}}}\nset powersel_period {:.6g}\n"
      "set powersel_slew {:.6g}\nset powersel_net_loads {{\n{}}}\nset powersel_port_loads "
      "{{\n{}}}\n",
      netlist.module, StaName(netlist.module, spec.verilog), clock_port,
      spec.clock_period_ns / library.time_unit_ns,
      spec.options.input_slew_ns / library.time_unit_ns, net_loads, port_loads);
}

// Writes `text` so that a reader sees the whole file or none: tests run in parallel.
void WriteAtomically(const std::filesystem::path& file, const std::string& text) {
  const std::filesystem::path temporary = file.string() + fmt::format(".{}.tmp", getpid());
  std::ofstream(temporary, std::ios::binary) << text;
  std::filesystem::rename(temporary, file);
}

}  // namespace

std::filesystem::path WriteSdfWithOpenSta(const GateNetlist& netlist, const Library& library,
                                          const StaticTimingSpec& spec,
                                          const std::map<int, double>& external_load_pf) {
  const std::string commands = Commands(netlist, library, spec, external_load_pf);
  std::uint64_t hash = Fnv1a(ReadFileText(spec.liberty, "liberty"));
  hash = Fnv1a(ReadFileText(spec.verilog, "netlist"), hash);
  hash = Fnv1a(ReadFileText(POWERSEL_STA_SCRIPT, "OpenSTA script"), hash);
  hash = Fnv1a(commands, hash);
  EnsureOutputDirectory(spec.dir, "static timing directory");
  const std::string stem = fmt::format("{}.{:016x}", netlist.module, hash);
  const std::filesystem::path sdf = spec.dir / (stem + ".sdf");
  if (std::filesystem::exists(sdf)) {
    return sdf;
  }

  const std::filesystem::path command_file = spec.dir / (stem + ".sta.tcl");
  const std::filesystem::path log = spec.dir / (stem + ".sta.log");
  WriteAtomically(command_file, commands);
  const std::string suffix = fmt::format(".{}.tmp", getpid());
  const std::filesystem::path sdf_tmp = sdf.string() + suffix;
  const std::filesystem::path log_tmp = log.string() + suffix;
  const std::string shell = fmt::format(
      "env POWERSEL_LIBERTY={} POWERSEL_VERILOG={} POWERSEL_COMMANDS={} POWERSEL_SDF={} "
      "sta -no_init -no_splash -exit {} >{} 2>&1",
      ShellQuoted(std::filesystem::absolute(spec.liberty).string()),
      ShellQuoted(std::filesystem::absolute(spec.verilog).string()),
      ShellQuoted(std::filesystem::absolute(command_file).string()),
      ShellQuoted(std::filesystem::absolute(sdf_tmp).string()), ShellQuoted(POWERSEL_STA_SCRIPT),
      ShellQuoted(log_tmp.string()));
  const int status = std::system(shell.c_str());
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  // OpenSTA exits 0 after failed commands; their "Error"/"Warning" lines tell.
  const std::string output = std::filesystem::exists(log_tmp) ? ReadFileText(log_tmp, "log") : "";
  std::string complaint;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (complaint.empty() && (line.starts_with("Error") || line.starts_with("Warning"))) {
      complaint = line.substr(0, 200);
    }
  }
  if (std::filesystem::exists(log_tmp)) {
    std::filesystem::rename(log_tmp, log);
  }
  if (exit_code == 127) {
    throw InputError(spec.liberty.string(), "static timing",
                     "OpenSTA's `sta` is not installed (Debian package opensta)");
  }
  if (exit_code != 0 || !complaint.empty() || !std::filesystem::exists(sdf_tmp)) {
    std::error_code ignored;
    std::filesystem::remove(sdf_tmp, ignored);
    throw InputError(spec.liberty.string(), "static timing",
                     fmt::format("OpenSTA failed (exit {}{}); see {}", exit_code,
                                 complaint.empty() ? "" : ": " + complaint, log.string()));
  }
  std::filesystem::rename(sdf_tmp, sdf);
  return sdf;
}

}  // namespace powersel::power
