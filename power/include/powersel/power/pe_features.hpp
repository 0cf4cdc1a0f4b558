// The PE's low-power features (rtl/ws_pe.sv's parameters), by name: what the flow maps,
// characterises and measures when a run or a command names a PE.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace powersel::power {

// The PE's low-power features (rtl/ws_pe.sv's parameters); none is the plain PE.
struct PeFeatures {
  bool zero_weight_isolation = false;
  bool sign_magnitude = false;
  bool zero_activation_isolation = false;
  // Registers hold outside weight loads and valid activations: a PE's outputs then mean
  // something only where its valid output is high, and its neighbours see held values.
  bool clock_gating = false;

  bool operator==(const PeFeatures&) const = default;
  bool plain() const { return *this == PeFeatures{}; }
};

// Every feature set by name: "plain", "zero-weight-isolation", "sign-magnitude",
// "zero-activation-isolation", "clock-gating", "low-power" (all four), in that order: the
// rows of an ablation.
const std::vector<std::pair<std::string, PeFeatures>>& PeFeatureSets();
std::string PeFeaturesName(const PeFeatures& features);
// The low-power PE: every feature.
PeFeatures LowPowerPe();

}  // namespace powersel::power
