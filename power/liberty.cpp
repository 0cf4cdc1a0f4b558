#include "powersel/power/liberty.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <sstream>

#include "liberty_syntax.hpp"
#include "powersel/common/errors.hpp"

namespace powersel::power {

const std::filesystem::path kDefaultLiberty = POWERSEL_DEFAULT_LIBERTY;

namespace {

using detail::LibertyAttribute;
using detail::LibertyGroup;

constexpr std::size_t kAnyCount = std::numeric_limits<std::size_t>::max();

class LibertyReader {
 public:
  explicit LibertyReader(std::filesystem::path file) : file_(std::move(file)) {}

  Library Read(const LibertyGroup& root) {
    Library library;
    library.file = file_;
    library.name = root.arguments.empty() ? std::string() : root.arguments.front();
    ReadUnits(root, library);
    for (const char* kind : {"lu_table_template", "power_lut_template"}) {
      for (const LibertyGroup* group : root.Children(kind)) {
        ReadTemplate(*group);
      }
    }
    for (const LibertyGroup* group : root.Children("cell")) {
      LibertyCell cell = ReadCell(*group);
      library.cells.emplace(cell.name, std::move(cell));
    }
    if (library.cells.empty()) {
      Fail(root.line, "library", "holds no cells");
    }
    return library;
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& field, const std::string& problem) const {
    throw InputError(file_.string(), fmt::format("line {}: {}", line, field), problem);
  }

  // Every attribute is read through here: "name : value;" has one value, "name (a, b);" as
  // many as it lists and "name ();" none, which a reader must not take the first of.
  const std::vector<std::string>& Values(const LibertyAttribute& attribute, std::size_t min,
                                         std::size_t max) const {
    const std::size_t count = attribute.values.size();
    if (count < min || count > max) {
      const std::string expected =
          min == max         ? fmt::format("{} value{}", min, min == 1 ? "" : "s")
          : max == kAnyCount ? fmt::format("at least {} value{}", min, min == 1 ? "" : "s")
                             : fmt::format("{} to {} values", min, max);
      Fail(attribute.line, attribute.name, fmt::format("expected {}, found {}", expected, count));
    }
    return attribute.values;
  }

  const std::string& Value(const LibertyAttribute& attribute) const {
    return Values(attribute, 1, 1).front();
  }

  double Number(const std::string& text, int line, const std::string& field) const {
    try {
      std::size_t used = 0;
      const double value = std::stod(text, &used);
      if (used != text.size() || !std::isfinite(value)) {
        throw std::invalid_argument(text);
      }
      return value;
    } catch (const std::exception&) {
      Fail(line, field, fmt::format("expected a number, got '{}'", text));
    }
  }

  double NumberAttribute(const LibertyGroup& group, const std::string& name,
                         double fallback) const {
    const LibertyAttribute* attribute = group.Find(name);
    return attribute == nullptr ? fallback : Number(Value(*attribute), attribute->line, name);
  }

  std::vector<double> NumberList(const LibertyAttribute& attribute) const {
    std::vector<double> numbers;
    for (const std::string& text : Values(attribute, 1, kAnyCount)) {
      std::stringstream stream(text);
      std::string item;
      while (std::getline(stream, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) {
          numbers.push_back(Number(item, attribute.line, attribute.name));
        }
      }
    }
    return numbers;
  }

  // "1ns" -> (1, "ns"); "10ps" -> (10, "ps").
  std::pair<double, std::string> ScaledUnit(const LibertyAttribute& attribute) const {
    const std::string& text = Value(attribute);
    const std::size_t split = text.find_first_not_of("0123456789.");
    if (split == 0 || split == std::string::npos) {
      Fail(attribute.line, attribute.name, fmt::format("expected e.g. \"1ns\", got '{}'", text));
    }
    return {Number(text.substr(0, split), attribute.line, attribute.name), text.substr(split)};
  }

  void ReadUnits(const LibertyGroup& root, Library& library) const {
    if (const LibertyAttribute* time = root.Find("time_unit")) {
      const auto [scale, unit] = ScaledUnit(*time);
      const double per_ns = unit == "ns" ? 1.0 : unit == "ps" ? 1e-3 : unit == "us" ? 1e3 : -1;
      if (per_ns < 0) {
        Fail(time->line, "time_unit", "expected ns, ps or us");
      }
      library.time_unit_ns = scale * per_ns;
    }
    if (const LibertyAttribute* voltage = root.Find("voltage_unit")) {
      const auto [scale, unit] = ScaledUnit(*voltage);
      const double per_volt = unit == "V" ? 1.0 : unit == "mV" ? 1e-3 : -1;
      if (per_volt < 0) {
        Fail(voltage->line, "voltage_unit", "expected V or mV");
      }
      library.voltage_unit_v = scale * per_volt;
    }
    const LibertyAttribute* capacitance = root.Find("capacitive_load_unit");
    if (capacitance == nullptr) {
      Fail(root.line, "capacitive_load_unit",
           "missing (expected e.g. capacitive_load_unit (1,pf))");
    }
    const std::vector<std::string>& scale_and_unit = Values(*capacitance, 2, 2);
    const double scale = Number(scale_and_unit[0], capacitance->line, "capacitive_load_unit");
    std::string unit = scale_and_unit[1];
    std::transform(unit.begin(), unit.end(), unit.begin(), ::tolower);
    const double per_pf = unit == "pf" ? 1.0 : unit == "ff" ? 1e-3 : -1;
    if (per_pf < 0) {
      Fail(capacitance->line, "capacitive_load_unit", "expected pf or ff");
    }
    library.capacitance_unit_pf = scale * per_pf;
    library.nominal_voltage_v = NumberAttribute(root, "nom_voltage", 0) * library.voltage_unit_v;
    if (library.nominal_voltage_v <= 0) {
      Fail(root.line, "nom_voltage", "missing or not positive");
    }
  }

  void ReadTemplate(const LibertyGroup& group) {
    if (group.arguments.empty()) {
      Fail(group.line, group.type, "template without a name");
    }
    std::vector<LookupTable::Axis> axes;
    for (const char* variable : {"variable_1", "variable_2"}) {
      const LibertyAttribute* attribute = group.Find(variable);
      if (attribute == nullptr) {
        break;
      }
      const std::string& name = Value(*attribute);
      if (name == "total_output_net_capacitance") {
        axes.push_back(LookupTable::Axis::kOutputLoad);
      } else if (name == "input_transition_time" || name == "input_net_transition" ||
                 name == "related_pin_transition" || name == "constrained_pin_transition") {
        axes.push_back(LookupTable::Axis::kInputSlew);
      } else {
        Fail(attribute->line, variable, fmt::format("unsupported table variable '{}'", name));
      }
    }
    templates_[group.arguments.front()] = std::move(axes);
  }

  LookupTable ReadTable(const LibertyGroup& group) const {
    LookupTable table;
    const std::string name = group.arguments.empty() ? "scalar" : group.arguments.front();
    if (name != "scalar") {
      const auto found = templates_.find(name);
      if (found == templates_.end()) {
        Fail(group.line, group.type, fmt::format("unknown table template '{}'", name));
      }
      table.axes = found->second;
    }
    if (const LibertyAttribute* index = group.Find("index_1")) {
      table.index_1 = NumberList(*index);
    }
    if (const LibertyAttribute* index = group.Find("index_2")) {
      table.index_2 = NumberList(*index);
    }
    const LibertyAttribute* values = group.Find("values");
    if (values == nullptr) {
      Fail(group.line, group.type, "table without values");
    }
    table.values = NumberList(*values);
    const std::size_t rows = table.axes.empty() ? 1 : table.index_1.size();
    const std::size_t cols = table.axes.size() < 2 ? 1 : table.index_2.size();
    if (rows == 0 || cols == 0 || table.values.size() != rows * cols) {
      Fail(values->line, group.type,
           fmt::format("expected {} x {} values, found {}", rows, cols, table.values.size()));
    }
    return table;
  }

  LibertyPin ReadPin(const LibertyGroup& group) const {
    LibertyPin pin;
    pin.name = group.arguments.empty() ? std::string() : group.arguments.front();
    const LibertyAttribute* direction = group.Find("direction");
    if (direction == nullptr) {
      Fail(group.line, "pin(" + pin.name + ").direction", "missing");
    }
    pin.is_output = Value(*direction) == "output";
    const LibertyAttribute* clock = group.Find("clock");
    pin.is_clock = clock != nullptr && Value(*clock) == "true";
    const double capacitance = NumberAttribute(group, "capacitance", 0);
    pin.rise_capacitance = NumberAttribute(group, "rise_capacitance", capacitance);
    pin.fall_capacitance = NumberAttribute(group, "fall_capacitance", capacitance);
    if (const LibertyAttribute* function = group.Find("function")) {
      pin.function = Value(*function);
    }
    for (const LibertyGroup* power : group.Children("internal_power")) {
      InternalPower entry;
      if (const LibertyAttribute* related = power->Find("related_pin")) {
        entry.related_pin = Value(*related);
      }
      for (const LibertyGroup* table : power->Children("rise_power")) {
        entry.rise = ReadTable(*table);
      }
      for (const LibertyGroup* table : power->Children("fall_power")) {
        entry.fall = ReadTable(*table);
      }
      // One `power` table is the energy of a transition either way (OSU018's DFFSR prices
      // its arc from S to Q so); as OpenSTA reads it, it stands for both directions that
      // have no table of their own.
      for (const LibertyGroup* table : power->Children("power")) {
        const LookupTable both = ReadTable(*table);
        if (!entry.rise) {
          entry.rise = both;
        }
        if (!entry.fall) {
          entry.fall = both;
        }
      }
      pin.internal_power.push_back(std::move(entry));
    }
    if (pin.is_output) {
      ReadDelayArcs(group, pin);
    }
    return pin;
  }

  // Checks (setup_rising, hold_falling, recovery_*, ...) constrain an input; every other
  // timing type (combinational, rising_edge, clear, preset, ...) is a delay to this output.
  void ReadDelayArcs(const LibertyGroup& group, LibertyPin& pin) const {
    for (const LibertyGroup* timing : group.Children("timing")) {
      const LibertyAttribute* type = timing->Find("timing_type");
      const std::string kind = type == nullptr || type->values.empty() ? "" : type->values.front();
      constexpr std::array<std::string_view, 10> kChecks = {
          "setup",    "hold",    "recovery",  "removal",        "skew",
          "nochange", "non_seq", "min_pulse", "minimum_period", "max_clock_tree"};
      if (std::any_of(kChecks.begin(), kChecks.end(),
                      [&](std::string_view check) { return kind.starts_with(check); })) {
        continue;
      }
      const LibertyAttribute* related = timing->Find("related_pin");
      if (related == nullptr || related->values.empty()) {
        Fail(timing->line, "pin(" + pin.name + ").timing.related_pin", "missing");
      }
      std::stringstream names(related->values.front());  // may list several: "A B"
      for (std::string name; names >> name;) {
        if (std::find(pin.timing_from.begin(), pin.timing_from.end(), name) ==
            pin.timing_from.end()) {
          pin.timing_from.push_back(name);
        }
      }
    }
  }

  // An ff or latch group: its two state variables (the arguments) and its string attributes.
  void ReadStateGroup(
      const LibertyGroup& group, std::string& state, std::string& state_inverse,
      std::initializer_list<std::pair<const char*, std::string*>> attributes) const {
    if (group.arguments.size() == 2) {
      state = group.arguments[0];
      state_inverse = group.arguments[1];
    }
    for (const auto& [name, target] : attributes) {
      if (const LibertyAttribute* attribute = group.Find(name)) {
        *target = Value(*attribute);
      }
    }
  }

  LibertyCell ReadCell(const LibertyGroup& group) const {
    LibertyCell cell;
    if (group.arguments.empty()) {
      Fail(group.line, "cell", "cell without a name");
    }
    cell.name = group.arguments.front();
    cell.area = NumberAttribute(group, "area", 0);
    for (const LibertyGroup* pin : group.Children("pin")) {
      cell.pins.push_back(ReadPin(*pin));
    }
    for (const LibertyGroup* ff : group.Children("ff")) {
      LibertyFlipFlop flip_flop;
      ReadStateGroup(*ff, flip_flop.state, flip_flop.state_inverse,
                     {{"next_state", &flip_flop.next_state},
                      {"clocked_on", &flip_flop.clocked_on},
                      {"clear", &flip_flop.clear},
                      {"preset", &flip_flop.preset}});
      if (flip_flop.next_state.empty() || flip_flop.clocked_on.empty()) {
        Fail(ff->line, "cell(" + cell.name + ").ff", "needs next_state and clocked_on");
      }
      cell.flip_flop = std::move(flip_flop);
    }
    for (const LibertyGroup* latch_group : group.Children("latch")) {
      LibertyLatch latch;
      ReadStateGroup(*latch_group, latch.state, latch.state_inverse,
                     {{"enable", &latch.enable}, {"data_in", &latch.data_in}});
      if (latch.enable.empty() || latch.data_in.empty()) {
        Fail(latch_group->line, "cell(" + cell.name + ").latch", "needs enable and data_in");
      }
      cell.latch = std::move(latch);
    }
    return cell;
  }

  std::filesystem::path file_;
  std::map<std::string, std::vector<LookupTable::Axis>> templates_;
};

// Clamped linear interpolation along one axis: the segment and the weight of its upper end.
std::pair<std::size_t, double> Bracket(const std::vector<double>& index, double x) {
  if (index.size() < 2 || x <= index.front()) {
    return {0, 0.0};
  }
  if (x >= index.back()) {
    return {index.size() - 2, 1.0};
  }
  const auto upper = std::upper_bound(index.begin(), index.end(), x);
  const std::size_t low = static_cast<std::size_t>(upper - index.begin()) - 1;
  return {low, (x - index[low]) / (index[low + 1] - index[low])};
}

}  // namespace

double LookupTable::Lookup(double load, double slew) const {
  if (axes.empty()) {
    return values.front();
  }
  const double x1 = axes[0] == Axis::kOutputLoad ? load : slew;
  const auto [i, wi] = Bracket(index_1, x1);
  if (axes.size() == 1) {
    return index_1.size() < 2 ? values[0] : values[i] * (1 - wi) + values[i + 1] * wi;
  }
  const double x2 = axes[1] == Axis::kOutputLoad ? load : slew;
  const auto [j, wj] = Bracket(index_2, x2);
  const std::size_t cols = index_2.size();
  auto at = [&](std::size_t r, std::size_t c) { return values[r * cols + c]; };
  const std::size_t i1 = index_1.size() < 2 ? i : i + 1;
  const std::size_t j1 = cols < 2 ? j : j + 1;
  return at(i, j) * (1 - wi) * (1 - wj) + at(i1, j) * wi * (1 - wj) + at(i, j1) * (1 - wi) * wj +
         at(i1, j1) * wi * wj;
}

const LibertyPin* LibertyCell::FindPin(const std::string& pin_name) const {
  for (const LibertyPin& pin : pins) {
    if (pin.name == pin_name) {
      return &pin;
    }
  }
  return nullptr;
}

const LibertyCell& Library::Cell(const std::string& cell_name) const {
  const auto found = cells.find(cell_name);
  if (found == cells.end()) {
    throw InputError(file.string(), "cell " + cell_name, "not in this library");
  }
  return found->second;
}

Library ReadLiberty(const std::filesystem::path& file) {
  return LibertyReader(file).Read(detail::ParseLibertySyntax(file));
}

Library ReadLibertyText(const std::string& text, const std::filesystem::path& origin) {
  return LibertyReader(origin).Read(detail::ParseLibertyText(text, origin.string()));
}

}  // namespace powersel::power
