#include "powersel/power/measurement.hpp"

namespace powersel::power {

std::string MeasurementName(Measurement measurement) {
  return measurement == Measurement::kTimed ? "timed" : "zero-delay";
}

const std::map<std::string, Measurement>& MeasurementsByName() {
  static const std::map<std::string, Measurement> names = {{"timed", Measurement::kTimed},
                                                           {"zero-delay", Measurement::kZeroDelay}};
  return names;
}

}  // namespace powersel::power
