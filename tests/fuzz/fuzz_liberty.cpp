// libFuzzer target: Liberty libraries (power/liberty_syntax.cpp, power/liberty.cpp). A library
// that reads must also give finite energies from every table and compile or cleanly refuse
// every pin function, as the gate-level simulator will ask it to.
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "boolean_function.hpp"
#include "fuzz_input.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/power/liberty.hpp"

namespace {

using powersel::power::LibertyCell;
using powersel::power::LookupTable;

void CheckTable(const LookupTable& table) {
  // Inside, on and beyond the axes, which Lookup clamps to.
  for (const double load : {-1.0, 0.0, 0.005, 0.1, 1e9}) {
    for (const double slew : {-1.0, 0.0, 0.06, 1.0, 1e9}) {
      powersel::fuzz::Require(std::isfinite(table.Lookup(load, slew)), "a table lookup is finite");
    }
  }
}

void CheckCell(const LibertyCell& cell) {
  std::vector<std::string> inputs;
  for (const auto& pin : cell.pins) {
    if (!pin.is_output) {
      inputs.push_back(pin.name);
    }
  }
  if (cell.flip_flop) {
    inputs.push_back(cell.flip_flop->state);
    inputs.push_back(cell.flip_flop->state_inverse);
  }
  for (const auto& pin : cell.pins) {
    for (const auto& power : pin.internal_power) {
      for (const auto& table : {power.rise, power.fall}) {
        if (table) {
          CheckTable(*table);
        }
      }
    }
    if (pin.is_output && !pin.function.empty()) {
      try {
        const powersel::power::detail::BooleanFunction function(pin.function, inputs);
        const std::vector<std::uint64_t> lanes(inputs.size(), 0x5555'5555'5555'5555ULL);
        (void)function.Evaluate(lanes);
      } catch (const std::invalid_argument&) {
        // The simulator turns this into an InputError naming the cell.
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const powersel::power::Library library = powersel::power::ReadLibertyText(text, "fuzz.lib");
    for (const auto& entry : library.cells) {
      CheckCell(entry.second);
    }
  } catch (const powersel::InputError&) {
    // Refusing bad input with a one-line error is the expected outcome.
  }
  return 0;
}
