#include "powersel/tb/serialize.hpp"

#include <fmt/format.h>

#include "powersel/common/files.hpp"

namespace powersel::tb {

nlohmann::json ToggleSummaryJson(const ToggleCounts& counts) {
  nlohmann::json summary;
  std::uint64_t total = 0;
  for (int s = 0; s < kPeSignalCount; ++s) {
    const std::uint64_t toggles = counts.Total(static_cast<PeSignal>(s));
    summary[std::string(kPeSignalNames[s])] = toggles;
    total += toggles;
  }
  for (int e = 0; e < kEdgeSignalCount; ++e) {
    const std::uint64_t toggles = counts.Total(static_cast<EdgeSignal>(e));
    summary[std::string(kEdgeSignalNames[e])] = toggles;
    total += toggles;
  }
  summary["total"] = total;
  return summary;
}

nlohmann::json ToJson(const RegressionResult& result) {
  return {
      {"rows", result.shape.rows},
      {"cols", result.shape.cols},
      {"tiles", result.random_tiles + result.conv_tiles},
      {"random_tiles", result.random_tiles},
      {"conv_tiles", result.conv_tiles},
      {"conv_images", result.conv_images},
      {"mismatches", result.mismatches + result.conv_mismatches},
      {"tile_mismatches", result.mismatches},
      {"mismatched_tiles", result.mismatched_tiles},
      {"conv_outputs_checked", result.conv_outputs_checked},
      {"conv_mismatches", result.conv_mismatches},
      {"cycles", result.cycles},
      {"macs", result.macs},
      {"seconds", result.seconds},
      {"passed", result.passed()},
      {"toggles", ToggleSummaryJson(result.toggles)},
  };
}

nlohmann::json ToJson(const std::vector<BenchResult>& results) {
  nlohmann::json sizes = nlohmann::json::array();
  for (const BenchResult& result : results) {
    sizes.push_back({{"rows", result.shape.rows},
                     {"cols", result.shape.cols},
                     {"cycles", result.cycles},
                     {"plain_macs_per_s", result.plain_macs_per_s},
                     {"counting_macs_per_s", result.counting_macs_per_s},
                     {"counting_time_ratio", result.slowdown()}});
  }
  return {{"sizes", sizes},
          {"note", "MACs are PE-cycles: every PE performs one multiply-accumulate per cycle"}};
}

std::string ToggleHeatmapCsv(const ToggleCounts& counts) {
  std::string csv = "row,col";
  for (const std::string_view name : kPeSignalNames) {
    csv += fmt::format(",{}", name);
  }
  csv += ",total\n";
  for (int r = 0; r < counts.rows; ++r) {
    for (int c = 0; c < counts.cols; ++c) {
      csv += fmt::format("{},{}", r, c);
      for (int s = 0; s < kPeSignalCount; ++s) {
        csv += fmt::format(",{}", counts.Pe(r, c, static_cast<PeSignal>(s)));
      }
      csv += fmt::format(",{}\n", counts.PeTotal(r, c));
    }
  }
  return csv;
}

void WriteRegressionFiles(const std::filesystem::path& dir, std::string_view stem,
                          const RegressionResult& result) {
  WriteFileAtomically(dir / fmt::format("{}_toggles.csv", stem), ToggleHeatmapCsv(result.toggles));
  WriteJsonAtomically(dir / fmt::format("{}.json", stem), ToJson(result));
}

}  // namespace powersel::tb
