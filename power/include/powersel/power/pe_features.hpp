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

  bool operator==(const PeFeatures&) const = default;
  bool plain() const {
    return !zero_weight_isolation && !sign_magnitude && !zero_activation_isolation;
  }
};

// Every feature set by name: "plain", "zero-weight-isolation", "sign-magnitude",
// "zero-activation-isolation", "low-power" (all three), in that order: the rows of an
// ablation.
const std::vector<std::pair<std::string, PeFeatures>>& PeFeatureSets();
std::string PeFeaturesName(const PeFeatures& features);

}  // namespace powersel::power
