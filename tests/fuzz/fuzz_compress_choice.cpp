// libFuzzer target: compress.json as replay reads it back (flow/compress_choice.cpp). Any
// input is refused with an InputError or gives two network paths inside the run directory.
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/flow/compress_choice.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const powersel::flow::CompressChoice choice =
        powersel::flow::ParseCompressChoice(text, "compress.json");
    for (const std::filesystem::path& file : {choice.ours, choice.baseline}) {
      powersel::fuzz::Require(!file.empty() && file.is_relative(),
                              "a chosen network is a relative path");
      for (const std::filesystem::path& part : file) {
        powersel::fuzz::Require(part != "..", "a chosen network stays inside the run");
      }
    }
  } catch (const powersel::InputError&) {
    return 0;  // refusing bad input with a one-line error is the expected outcome
  }
  return 0;
}
