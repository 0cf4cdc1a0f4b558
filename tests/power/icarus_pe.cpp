#include "icarus_pe.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace powersel::power::testing {

namespace {

std::string Slurp(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    throw std::runtime_error("cannot read " + file.string());
  }
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void Write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// Removes every "(KEYWORD ...)" group, nested parentheses included.
std::string DropGroups(const std::string& text, const std::string& keyword) {
  std::string out;
  std::size_t at = 0;
  const std::string open = "(" + keyword;
  for (std::size_t found = text.find(open); found != std::string::npos;
       found = text.find(open, at)) {
    out.append(text, at, found - at);
    int depth = 0;
    std::size_t end = found;
    for (; end < text.size(); ++end) {
      depth += text[end] == '(' ? 1 : text[end] == ')' ? -1 : 0;
      if (depth == 0) {
        break;
      }
    }
    at = end + 1;
  }
  out.append(text, at, std::string::npos);
  return out;
}

// Input port name -> bit range in the packed stimulus word {act, valid, psum, weight, shift,
// rst_n}.
struct Field {
  const char* port;
  int low;
  int width;
};
constexpr Field kFields[] = {{"rst_ni", 0, 1},   {"wload_shift_i", 1, 1}, {"weight_i", 2, 8},
                             {"psum_i", 10, 22}, {"act_valid_i", 32, 1},  {"act_i", 33, 8}};
constexpr int kStimulusBits = 41;

std::uint64_t Pack(const tb::PeInputs& in) {
  return std::uint64_t{in.rst_n} | std::uint64_t{in.shift} << 1 |
         std::uint64_t{static_cast<std::uint8_t>(in.weight)} << 2 |
         (static_cast<std::uint64_t>(static_cast<std::uint32_t>(in.psum)) & 0x3FFFFF) << 10 |
         std::uint64_t{in.act_valid} << 32 | std::uint64_t{in.act} << 33;
}

std::string Testbench(std::size_t pes, std::size_t cycles, int first_counted) {
  // Untyped parameters: a typed `parameter integer` here silently disabled the specify delays
  // in Icarus 11 (TOOLCHAIN.md).
  std::string tb = fmt::format(
      "`timescale 1ns/1ps\nmodule tb;\n  parameter CYCLES = {};\n  parameter FIRST = {};\n"
      "  reg clk = 0;\n  integer i;\n",
      cycles, first_counted);
  std::string scopes;
  for (std::size_t p = 0; p < pes; ++p) {
    tb += fmt::format("  reg [{0}:0] stim{1} [0:CYCLES-1];\n  reg [{0}:0] in{1} = 0;\n",
                      kStimulusBits - 1, p);
    tb += fmt::format("  ws_pe_gates dut{}(.clk_i(clk)", p);
    for (const Field& field : kFields) {
      tb +=
          fmt::format(", .{}(in{}[{}:{}])", field.port, p, field.low + field.width - 1, field.low);
    }
    tb += ", .act_o(), .act_valid_o(), .psum_o(), .weight_o());\n";
    scopes += fmt::format("{}dut{}", p == 0 ? "" : ", ", p);
  }
  tb += "  initial begin\n";
  for (std::size_t p = 0; p < pes; ++p) {
    tb += fmt::format(
        "    $sdf_annotate(\"pe.sdf\", dut{0});\n"
        "    $readmemh(\"stim{0}.hex\", stim{0});\n",
        p);
  }
  // Edges 30 ns apart; the VCD starts 1 ns before the first counted edge, all settled.
  tb += "    $dumpfile(\"pe.vcd\");\n    for (i = 0; i < CYCLES; i = i + 1) begin\n      #19;\n";
  tb += fmt::format("      if (i == FIRST) $dumpvars(2, {});\n      #1 clk = 1;\n", scopes);
  for (std::size_t p = 0; p < pes; ++p) {
    tb += fmt::format("      in{0} <= stim{0}[i];\n", p);
  }
  tb += "      #10 clk = 0;\n    end\n    #20 $finish;\n  end\nendmodule\n";
  return tb;
}

std::string Run(const std::string& command, const std::filesystem::path& dir) {
  const std::filesystem::path log = dir / "run.log";
  const std::string line = fmt::format("cd '{}' && {} >> run.log 2>&1", dir.string(), command);
  if (std::system(line.c_str()) != 0) {
    throw std::runtime_error(command + " failed:\n" + Slurp(log));
  }
  return Slurp(log);
}

}  // namespace

std::string CleanSdfForIcarus(const std::string& sdf) {
  const std::string dropped = DropGroups(DropGroups(sdf, "INTERCONNECT"), "TIMINGCHECK");
  static const std::regex triple(R"(\(\s*(-?[0-9.]+)\s*:\s*:\s*(-?[0-9.]+)\s*\))");
  // The design's own CELL held only INTERCONNECTs; left empty it is a syntax error to Icarus.
  static const std::regex empty_cell(
      R"(\(CELL\s*\(CELLTYPE\s*"[^"]*"\)\s*\(INSTANCE\s*\)\s*\(DELAY\s*\(ABSOLUTE\s*\)\s*\)\s*\))");
  return std::regex_replace(std::regex_replace(dropped, empty_cell, ""), triple, "($2)");
}

IcarusCounts RunIcarusPe(const GateNetlist& netlist, const std::filesystem::path& pe_verilog,
                         const std::filesystem::path& sdf,
                         const std::vector<std::vector<tb::PeInputs>>& streams, int first_counted,
                         const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // The cells' precision to 1 ps (it is 10 ps), so that SDF delays are not rounded coarser.
  Write(dir / "cells.v",
        std::regex_replace(Slurp(kQflowOsu018Cells), std::regex("`timescale 1ns/10ps"),
                           "`timescale 1ns/1ps"));
  Write(dir / "pe.v", "`timescale 1ns/1ps\n" + Slurp(pe_verilog));
  Write(dir / "pe.sdf", CleanSdfForIcarus(Slurp(sdf)));
  for (std::size_t p = 0; p < streams.size(); ++p) {
    std::string hex;
    for (const tb::PeInputs& in : streams[p]) {
      hex += fmt::format("{:011x}\n", Pack(in));
    }
    Write(dir / fmt::format("stim{}.hex", p), hex);
  }
  Write(dir / "tb.v", Testbench(streams.size(), streams.front().size(), first_counted));
  IcarusCounts counts;
  counts.log = Run("iverilog -gspecify -o tb.vvp tb.v pe.v cells.v", dir);
  counts.log = Run("vvp -n tb.vvp", dir);

  // VCD ids of what is counted: each cell output and each input port bit, per PE.
  struct Target {
    std::size_t pe;
    std::vector<int> nets;  // per bit, LSB first
  };
  std::map<std::string, std::vector<int>> wanted;  // "dutK.name" -> nets, LSB first
  for (std::size_t p = 0; p < streams.size(); ++p) {
    for (const GateNetlist::Instance& instance : netlist.instances) {
      for (std::size_t pin = 0; pin < instance.cell->pins.size(); ++pin) {
        if (instance.cell->pins[pin].is_output) {
          wanted[fmt::format("dut{}.{}.{}", p, instance.name, instance.cell->pins[pin].name)] = {
              instance.pin_nets[pin]};
        }
      }
    }
    for (const Field& field : kFields) {
      wanted[fmt::format("dut{}.{}", p, field.port)] = netlist.FindPort(field.port).nets;
    }
  }
  counts.rises.assign(streams.size(),
                      std::vector<std::uint64_t>(static_cast<std::size_t>(netlist.net_count), 0));
  counts.falls = counts.rises;
  std::map<std::string, std::vector<Target>> targets;  // VCD id -> what it is
  std::map<std::string, std::string> value;            // VCD id -> current value, MSB first
  std::ifstream vcd(dir / "pe.vcd");
  std::vector<std::string> scope;
  std::string token;
  bool initial = false;
  auto change = [&](const std::string& id, std::string bits) {
    auto& old = value[id];
    const auto found = targets.find(id);
    if (found == targets.end()) {
      old = bits;
      return;
    }
    const std::size_t width = found->second.front().nets.size();
    if (bits.size() < width) {  // VCD drops leading zeros (or extends a leading x/z)
      const char fill = bits.front() == 'x' || bits.front() == 'z' ? bits.front() : '0';
      bits.insert(0, width - bits.size(), fill);
    }
    if (!initial && old.size() == width) {
      for (std::size_t b = 0; b < width; ++b) {
        const char from = old[width - 1 - b];
        const char to = bits[width - 1 - b];
        if (from == to) {
          continue;
        }
        if ((from != '0' && from != '1') || (to != '0' && to != '1')) {
          ++counts.unknown_transitions;
          continue;
        }
        for (const Target& target : found->second) {
          const auto net = static_cast<std::size_t>(target.nets[b]);
          ++(to == '1' ? counts.rises : counts.falls)[target.pe][net];
        }
      }
    }
    old = std::move(bits);
  };
  while (vcd >> token) {
    if (token == "$scope") {
      std::string kind;
      std::string name;
      vcd >> kind >> name >> token;
      scope.push_back(name);
    } else if (token == "$upscope") {
      vcd >> token;
      scope.pop_back();
    } else if (token == "$var") {
      std::string kind;
      std::string width;
      std::string id;
      std::string name;
      vcd >> kind >> width >> id >> name;
      while (vcd >> token && token != "$end") {
      }
      std::string path;
      for (std::size_t s = 1; s < scope.size(); ++s) {  // below the testbench
        path += scope[s] + ".";
      }
      path += name;
      if (const auto found = wanted.find(path); found != wanted.end()) {
        auto& list = targets[id];
        const bool known = std::any_of(list.begin(), list.end(), [&](const Target& t) {
          return t.pe == static_cast<std::size_t>(std::stoul(path.substr(3))) &&
                 t.nets == found->second;
        });
        if (!known) {
          list.push_back({static_cast<std::size_t>(std::stoul(path.substr(3))), found->second});
        }
      }
    } else if (token == "$dumpvars") {
      initial = true;
    } else if (token == "$end") {
      initial = false;
    } else if (token.front() == '$') {
      while (vcd >> token && token != "$end") {
      }
    } else if (token.front() == '#') {
      continue;
    } else if (token.front() == 'b' || token.front() == 'B') {
      std::string id;
      vcd >> id;
      change(id, token.substr(1));
    } else {
      change(token.substr(1), token.substr(0, 1));
    }
  }
  return counts;
}

}  // namespace powersel::power::testing
