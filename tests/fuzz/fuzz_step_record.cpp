// libFuzzer target: the step records a run reads back to skip finished steps
// (flow/run_steps.cpp, flow/report.cpp). Any input is no record or a record that stores and
// reads back the same.
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "run_steps.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto record = powersel::flow::detail::ParseStepRecord(text);
  if (record) {
    const auto again =
        powersel::flow::detail::ParseStepRecord(powersel::flow::detail::StepRecordText(*record));
    powersel::fuzz::Require(again.has_value(), "a stored record reads back");
    powersel::fuzz::Require(again->key == record->key && again->data == record->data &&
                                again->section.Markdown() == record->section.Markdown(),
                            "a stored record reads back the same");
  }
  return 0;
}
