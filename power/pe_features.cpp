#include "powersel/power/pe_features.hpp"

#include <stdexcept>

namespace powersel::power {

const std::vector<std::pair<std::string, PeFeatures>>& PeFeatureSets() {
  static const std::vector<std::pair<std::string, PeFeatures>> kSets = {
      {"plain", {}},
      {"zero-weight-isolation", {.zero_weight_isolation = true}},
      {"sign-magnitude", {.sign_magnitude = true}},
      {"zero-activation-isolation", {.zero_activation_isolation = true}},
      {"low-power",
       {.zero_weight_isolation = true, .sign_magnitude = true, .zero_activation_isolation = true}}};
  return kSets;
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
