#include "powersel/power/pe_features.hpp"

#include <stdexcept>

namespace powersel::power {

const std::vector<std::pair<std::string, PeFeatures>>& PeFeatureSets() {
  static const std::vector<std::pair<std::string, PeFeatures>> kSets = {
      {"plain", {}},
      {"zero-weight-isolation", {.zero_weight_isolation = true}},
      {"sign-magnitude", {.sign_magnitude = true}},
      {"zero-activation-isolation", {.zero_activation_isolation = true}},
      {"clock-gating", {.clock_gating = true}},
      {"idle-column-gating", {.clock_gating = true, .idle_column_gating = true}},
      {"low-power", LowPowerPe()}};
  return kSets;
}

PeFeatures LowPowerPe() {
  return {.zero_weight_isolation = true,
          .sign_magnitude = true,
          .zero_activation_isolation = true,
          .clock_gating = true,
          .idle_column_gating = true};
}

tb::HarnessOptions RtlArrayOptions(tb::ArrayShape shape, const PeFeatures& pe) {
  return {
      .shape = shape, .low_power_pe = pe.clock_gating, .gate_idle_columns = pe.idle_column_gating};
}

std::string PeFeaturesName(const PeFeatures& features) {
  for (const auto& [name, set] : PeFeatureSets()) {
    if (set == features) {
      return name;
    }
  }
  throw std::logic_error("PeFeaturesName: a feature set without a name");
}

}  // namespace powersel::power
