#include "powersel/model/mac_table.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"

namespace powersel::model {

namespace {

constexpr int kWeights = 256;
constexpr const char* kFormat = "powersel-mac-table";
constexpr int kVersion = 2;  // 2: the clock gates' load and valid energies

template <typename T>
T Field(const nlohmann::json& document, const char* key, const std::filesystem::path& file,
        const char* expected) {
  if (!document.is_object() || !document.contains(key)) {
    throw InputError(file.string(), key, fmt::format("missing; expected {}", expected));
  }
  try {
    return document.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw InputError(file.string(), key, fmt::format("expected {}", expected));
  }
}

}  // namespace

MacTable::MacTable(power::Measurement measurement, TransitionClasses classes,
                   power::PeClockEnergy clock, std::vector<double> load_cycle_fj,
                   std::vector<double> datapath_fj)
    : measurement_(measurement),
      classes_(std::move(classes)),
      clock_(clock),
      load_cycle_fj_(std::move(load_cycle_fj)),
      datapath_fj_(std::move(datapath_fj)) {
  const auto expected =
      static_cast<std::size_t>(kWeights * classes_.activation_classes() * classes_.psum_groups());
  if (load_cycle_fj_.size() != TransitionClasses::kLoadClasses) {
    throw std::invalid_argument(fmt::format("MAC table: {} load classes, expected {}",
                                            load_cycle_fj_.size(),
                                            TransitionClasses::kLoadClasses));
  }
  if (datapath_fj_.size() != expected) {
    throw std::invalid_argument(
        fmt::format("MAC table: {} entries, expected {}", datapath_fj_.size(), expected));
  }
}

void WriteMacTable(const std::filesystem::path& file, const MacTable& table) {
  const GroupingSpec& grouping = table.classes().spec();
  nlohmann::json activation_names = nlohmann::json::array();
  for (int a = 0; a < table.classes().activation_classes(); ++a) {
    activation_names.push_back(table.classes().ActivationName(a));
  }
  nlohmann::json psum_names = nlohmann::json::array();
  for (int g = 0; g < table.classes().psum_groups(); ++g) {
    psum_names.push_back(table.classes().PsumName(g));
  }
  WriteJsonAtomically(file, {{"format", kFormat},
                             {"version", kVersion},
                             {"measurement", power::MeasurementName(table.measurement())},
                             {"scope", "datapath"},
                             {"msb_bits", grouping.msb_bits},
                             {"psum_edges", grouping.psum_edges},
                             {"psum_low_edges", grouping.psum_low_edges},
                             {"activation_edges", grouping.activation_edges},
                             {"activation_classes", activation_names},
                             {"psum_groups", psum_names},
                             {"clock_fj", table.clock_fj()},
                             {"clock_load_fj", table.clock().load_fj},
                             {"clock_valid_fj", table.clock().valid_fj},
                             {"load_cycle_fj", table.load_cycle_fj()},
                             {"datapath_fj", table.datapath_fj()}});
}

MacTable ReadMacTable(const std::filesystem::path& file) {
  const nlohmann::json document = ReadJsonFile(file, "MAC table");
  if (Field<std::string>(document, "format", file, "a string") != kFormat ||
      Field<int>(document, "version", file, "an integer") != kVersion) {
    throw InputError(file.string(), "format",
                     fmt::format("expected {} version {}", kFormat, kVersion));
  }
  const auto name = Field<std::string>(document, "measurement", file, "timed or zero-delay");
  const auto found = power::MeasurementsByName().find(name);
  if (found == power::MeasurementsByName().end()) {
    throw InputError(file.string(), "measurement", "expected timed or zero-delay");
  }
  GroupingSpec grouping;
  grouping.msb_bits = Field<int>(document, "msb_bits", file, "an integer");
  grouping.psum_edges = Field<std::vector<int>>(document, "psum_edges", file, "integers");
  grouping.psum_low_edges = Field<std::vector<int>>(document, "psum_low_edges", file, "integers");
  grouping.activation_edges =
      Field<std::vector<int>>(document, "activation_edges", file, "integers");
  std::optional<TransitionClasses> classes;
  try {
    classes.emplace(grouping);
  } catch (const std::invalid_argument& error) {
    throw InputError(file.string(), "grouping", error.what());
  }
  try {
    const power::PeClockEnergy clock{Field<double>(document, "clock_fj", file, "a number"),
                                     Field<double>(document, "clock_load_fj", file, "a number"),
                                     Field<double>(document, "clock_valid_fj", file, "a number")};
    return MacTable(found->second, *classes, clock,
                    Field<std::vector<double>>(document, "load_cycle_fj", file, "numbers"),
                    Field<std::vector<double>>(document, "datapath_fj", file, "numbers"));
  } catch (const std::invalid_argument& error) {
    throw InputError(file.string(), "datapath_fj", error.what());
  }
}

}  // namespace powersel::model
