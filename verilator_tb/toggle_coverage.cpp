// ReadToggleCoverage: the toggle counts Verilator's --coverage-toggle wrote to coverage.dat.
#include <fmt/core.h>

#include <fstream>
#include <map>
#include <regex>

#include "powersel/common/errors.hpp"
#include "powersel/tb/toggles.hpp"
#include "signal_map.hpp"

namespace powersel::tb {

namespace {

// coverage.dat keys are fields separated by \x01, each field "name\x02value".
std::map<std::string, std::string> ParseKey(const std::string& key) {
  std::map<std::string, std::string> fields;
  std::size_t start = 0;
  while (start < key.size()) {
    std::size_t end = key.find('\x01', start);
    if (end == std::string::npos) {
      end = key.size();
    }
    const std::string field = key.substr(start, end - start);
    if (const std::size_t separator = field.find('\x02'); separator != std::string::npos) {
      fields[field.substr(0, separator)] = field.substr(separator + 1);
    }
    start = end + 1;
  }
  return fields;
}

}  // namespace

ToggleCounts ReadToggleCoverage(const std::filesystem::path& path, ArrayShape shape) {
  std::ifstream in(path);
  if (!in) {
    throw InputError(path.string(), "", "cannot open coverage file");
  }
  ToggleCounts counts = ToggleCounts::Zero(shape);
  // One point per bit: "C '<key>' <count>", the count being that bit's value changes.
  static const std::regex kLine(R"(^C '(.*)' (\d+)$)");
  // "name", "name[bit]" or, for unpacked arrays, "name[element][bit]".
  static const std::regex kBit(R"(^([A-Za-z_0-9]+)(\[\d+\])*$)");
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::smatch match;
    if (!std::regex_match(line, match, kLine)) {
      continue;  // comments and the version header
    }
    const auto fields = ParseKey(match[1]);
    const auto page = fields.find("page");
    if (page == fields.end() || page->second.rfind("v_toggle/", 0) != 0) {
      continue;
    }
    const auto hierarchy = fields.find("h");
    const auto object = fields.find("o");
    std::smatch bit;
    if (hierarchy == fields.end() || object == fields.end() ||
        !std::regex_match(object->second, bit, kBit)) {
      throw InputError(path.string(), fmt::format("line {}", line_number),
                       "toggle point without hierarchy or signal name");
    }
    std::uint64_t* counter =
        detail::CounterFor(counts, detail::DemangleScope(hierarchy->second), bit[1]);
    if (counter != nullptr) {
      *counter += std::stoull(match[2]);
    }
  }
  return counts;
}

}  // namespace powersel::tb
