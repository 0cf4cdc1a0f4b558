// Results of this stage as JSON (field names are the CLI contract) and CSV.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "powersel/tb/regression.hpp"
#include "powersel/tb/toggles.hpp"

namespace powersel::tb {

// Totals per signal class, plus "total".
nlohmann::json ToggleSummaryJson(const ToggleCounts& counts);
nlohmann::json ToJson(const RegressionResult& result);
nlohmann::json ToJson(const std::vector<BenchResult>& results);

// One line per PE: row, col, one column per signal, total.
std::string ToggleHeatmapCsv(const ToggleCounts& counts);

}  // namespace powersel::tb
