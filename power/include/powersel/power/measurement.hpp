// How gate-level energy is measured. `timed` simulates the mapped netlist with per-arc delays
// from static timing, so glitches (several transitions of a net in one cycle) are counted;
// `zero-delay` lets every net switch at most once a cycle, so glitches cost nothing.
#pragma once

#include <map>
#include <string>

namespace powersel::power {

enum class Measurement { kTimed, kZeroDelay };

// "timed" or "zero-delay": the spelling of the command line, the config and every JSON.
std::string MeasurementName(Measurement measurement);

// Name -> value, for the command line's and the config's checks.
const std::map<std::string, Measurement>& MeasurementsByName();

}  // namespace powersel::power
