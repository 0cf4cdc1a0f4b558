// The PE's low-power features (rtl/ws_pe.sv's parameters), by name: what the flow maps,
// characterises and measures when a run or a command names a PE.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "powersel/tb/harness.hpp"

namespace powersel::power {

// The PE's low-power features (rtl/ws_pe.sv's parameters); none is the plain PE.
struct PeFeatures {
  bool zero_weight_isolation = false;
  bool sign_magnitude = false;
  bool zero_activation_isolation = false;
  // Registers hold outside weight loads and valid activations: a PE's outputs then mean
  // something only where its valid output is high, and its neighbours see held values.
  bool clock_gating = false;
  // An array feature (ws_array's IdleColumnGating) on top of clock gating: no valid
  // activation enters the columns a tile leaves unused, so their PEs hold. The PE netlist is
  // the clock-gated one; the array's traces and the model's valid cycles change.
  bool idle_column_gating = false;

  bool operator==(const PeFeatures&) const = default;
  bool plain() const { return *this == PeFeatures{}; }
};

// Every feature set by name: "plain", "zero-weight-isolation", "sign-magnitude",
// "zero-activation-isolation", "clock-gating", "idle-column-gating" (with the clock gating it
// works through), "low-power" (all five), in that order: the rows of an ablation.
const std::vector<std::pair<std::string, PeFeatures>>& PeFeatureSets();
std::string PeFeaturesName(const PeFeatures& features);
// The low-power PE: every feature.
PeFeatures LowPowerPe();

// The Verilated array whose PEs see what PEs with `pe` see in a `shape` array: a clock-gated
// PE's neighbours hold outside valid cycles as the low-power array's do, and that array turns
// idle columns off where `pe` does.
tb::HarnessOptions RtlArrayOptions(tb::ArrayShape shape, const PeFeatures& pe);

}  // namespace powersel::power
