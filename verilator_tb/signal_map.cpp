#include "signal_map.hpp"

#include <algorithm>
#include <array>
#include <regex>
#include <string_view>
#include <utility>

namespace powersel::tb::detail {

std::string DemangleScope(std::string name) {
  for (const auto& [from, to] : {std::pair<std::string_view, std::string_view>{"__BRA__", "["},
                                 {"__KET__", "]"},
                                 {"__DOT__", "."}}) {
    for (std::size_t at = name.find(from); at != std::string::npos; at = name.find(from, at)) {
      name.replace(at, from.size(), to);
    }
  }
  return name;
}

std::uint64_t* CounterFor(ToggleCounts& counts, const std::string& scope,
                          const std::string& variable) {
  static const std::regex kPe(R"(gen_row\[(\d+)\]\.gen_col\[(\d+)\]\.u_pe$)");
  static const std::regex kSkew(R"(u_input_skew\.gen_row\[(\d+)\]\.u_(act|valid)_delay)");
  static const std::regex kDeskew(R"(u_output_deskew\.gen_col\[(\d+)\]\.u_psum_delay)");
  // rtl/ws_pe.sv names, in PeSignal order.
  static const std::array<std::string_view, kPeSignalCount> kPeVariables = {
      "act_q", "act_valid_q", "weight_q", "product", "psum_q"};

  std::smatch match;
  if (std::regex_search(scope, match, kPe)) {
    const int row = std::stoi(match[1]);
    const int col = std::stoi(match[2]);
    const auto found = std::find(kPeVariables.begin(), kPeVariables.end(), variable);
    if (found == kPeVariables.end() || row >= counts.rows || col >= counts.cols) {
      return nullptr;
    }
    return &counts.pe[static_cast<std::size_t>(row) * counts.cols + col]
                     [static_cast<std::size_t>(found - kPeVariables.begin())];
  }
  if (variable == "stage_q") {
    if (std::regex_search(scope, match, kSkew)) {
      const int row = std::stoi(match[1]);
      return row < counts.rows ? &counts.input_skew[row] : nullptr;
    }
    if (std::regex_search(scope, match, kDeskew)) {
      const int col = std::stoi(match[1]);
      return col < counts.cols ? &counts.output_deskew[col] : nullptr;
    }
    return nullptr;
  }
  if ((variable == "wload_row_q" || variable == "wload_valid_q") &&
      scope.find("u_") == std::string::npos) {
    return &counts.load_path;
  }
  return nullptr;
}

std::size_t CountedSignalCount(ArrayShape shape) {
  // Every PE has its signals, every row an activation and a valid skew line, every column a
  // de-skew line (the last one of depth zero, a constant), and the load path two registers.
  return static_cast<std::size_t>(shape.rows) * shape.cols * kPeSignalCount + 2 * shape.rows +
         shape.cols + 2;
}

}  // namespace powersel::tb::detail
