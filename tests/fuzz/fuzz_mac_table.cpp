// libFuzzer target: MAC energy tables (model/mac_table.cpp). A table that reads back must be
// consistent: every entry the model can ask for is there.
#include <cstdint>

#include "fuzz_input.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/model/mac_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const powersel::model::MacTable table =
        powersel::model::ReadMacTable(powersel::fuzz::WriteInput("mac_table.json", data, size));
    const powersel::model::TransitionClasses& classes = table.classes();
    const auto pairs = classes.activation_classes() * classes.psum_groups();
    powersel::fuzz::Require(table.datapath_fj().size() == static_cast<std::size_t>(256 * pairs),
                            "one entry per weight and pair");
    powersel::fuzz::Require(
        table.load_cycle_fj().size() == powersel::model::TransitionClasses::kLoadClasses,
        "one entry per load class");
    // The extreme corners of the table index without going out of it.
    (void)table.Datapath(-128, 0, 0);
    (void)table.Datapath(127, classes.activation_classes() - 1, classes.psum_groups() - 1);
  } catch (const powersel::InputError&) {
    // Refusing bad input with a one-line error is the expected outcome.
  }
  return 0;
}
