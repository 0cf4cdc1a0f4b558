// libFuzzer target: SDF delay files (power/sdf.cpp). A file that reads must give finite
// delays, pins and instance names a netlist can be matched against, and a positive scale.
#include <cmath>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/power/sdf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const powersel::power::SdfFile sdf = powersel::power::ParseSdf(text, "fuzz.sdf");
    powersel::fuzz::Require(sdf.timescale_ns > 0 && std::isfinite(sdf.timescale_ns),
                            "the time scale is positive and finite");
    powersel::fuzz::Require(std::isfinite(sdf.max_interconnect_ns),
                            "interconnect delays are finite");
    for (const auto& cell : sdf.cells) {
      for (const auto& arc : cell.arcs) {
        powersel::fuzz::Require(!arc.from_pin.empty() && !arc.to_pin.empty(),
                                "an IOPATH names both pins");
        for (const auto& delay : {arc.rise_ns, arc.fall_ns}) {
          powersel::fuzz::Require(!delay || std::isfinite(*delay), "a delay is finite");
        }
      }
    }
  } catch (const powersel::InputError&) {
    // Refusing bad input with a one-line error is the expected outcome.
  }
  return 0;
}
