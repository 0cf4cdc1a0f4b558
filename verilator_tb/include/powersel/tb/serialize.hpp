// Results of this stage as JSON (field names are the CLI contract) and CSV.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "powersel/tb/bench.hpp"
#include "powersel/tb/regression.hpp"
#include "powersel/tb/toggles.hpp"

namespace powersel::tb {

// Totals per signal class, plus "total".
nlohmann::json ToggleSummaryJson(const ToggleCounts& counts);
nlohmann::json ToJson(const RegressionResult& result);
nlohmann::json ToJson(const std::vector<BenchResult>& results);

// One line per PE: row, col, one column per signal, total.
std::string ToggleHeatmapCsv(const ToggleCounts& counts);

// Writes `<stem>.json` and `<stem>_toggles.csv` (the per-PE heat map) into `dir`, atomically.
void WriteRegressionFiles(const std::filesystem::path& dir, std::string_view stem,
                          const RegressionResult& result);

}  // namespace powersel::tb
