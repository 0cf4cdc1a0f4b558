// Which counted signal a (scope, variable) pair of the RTL names; shared by the toggle
// counter and the coverage.dat reader, so both count exactly the same set.
#pragma once

#include <cstdint>
#include <string>

#include "powersel/tb/harness.hpp"
#include "powersel/tb/toggles.hpp"

namespace powersel::tb::detail {

// Verilator spells generate-block indices as __BRA__i__KET__ and dots as __DOT__.
std::string DemangleScope(std::string name);

// Counter of `counts` that the signal feeds, or null if it is not counted.
std::uint64_t* CounterFor(ToggleCounts& counts, const std::string& scope,
                          const std::string& variable);

// Number of counted signals in an array of this shape (the counter checks it found them all).
std::size_t CountedSignalCount(ArrayShape shape);

}  // namespace powersel::tb::detail
