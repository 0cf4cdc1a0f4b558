// libFuzzer target: run configurations (flow/run_spec.cpp, common/config.cpp,
// qat/train_spec.cpp). A configuration that reads must survive the round trip the run
// directory relies on: the stored config.yaml (DumpRunSpec) reads back to the same spec.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_input.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/flow/run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string stored;
  try {
    stored = powersel::flow::DumpRunSpec(powersel::flow::ParseRunSpec(text, "fuzz.yaml"));
  } catch (const powersel::InputError&) {
    return 0;  // refusing bad input with a one-line error is the expected outcome
  }
  try {
    const std::string again =
        powersel::flow::DumpRunSpec(powersel::flow::ParseRunSpec(stored, "config.yaml"));
    if (again != stored) {
      std::fprintf(stderr, "fuzz: stored:\n%s\nread back and stored again:\n%s\n", stored.c_str(),
                   again.c_str());
    }
    powersel::fuzz::Require(again == stored, "the stored configuration reads back the same");
  } catch (const powersel::InputError& error) {
    std::fprintf(stderr, "fuzz: the stored configuration does not read back: %s\n%s\n",
                 error.what(), stored.c_str());
    std::abort();
  }
  return 0;
}
