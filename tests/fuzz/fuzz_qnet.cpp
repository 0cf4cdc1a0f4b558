// libFuzzer target: network files, format powersel-qnet (qat/quantized_network.cpp). A file the
// reader accepts must run in the integer engine. Mutated files rarely keep their checksum, so
// fuzz_qnet_geometry drives Validate and the engine with networks built straight from the input.
#include <cstdint>

#include "fuzz_input.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/qat/quantized_network.hpp"
#include "run_network.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = powersel::fuzz::WriteInput("network.qnet.json", data, size);
  try {
    powersel::fuzz::RunNetwork(powersel::qat::ReadQuantizedNetwork(path), {8, 8});
  } catch (const powersel::InputError&) {
    // Refusing bad input with a one-line error is the expected outcome.
  }
  return 0;
}
