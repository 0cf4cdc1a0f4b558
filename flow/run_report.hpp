// The sections of the run report, one per step.
#pragma once

#include <string>
#include <vector>

#include "powersel/flow/correlate.hpp"
#include "powersel/flow/report.hpp"
#include "powersel/flow/run.hpp"
#include "powersel/power/characterize.hpp"
#include "powersel/tb/regression.hpp"

namespace powersel::flow {

struct RegressionOutcome {
  tb::RegressionResult result;
  std::string heatmap;  // PNG beside the report, or empty
};

void ReportRegressions(Report& report, const std::vector<RegressionOutcome>& regressions);
void ReportCharacterization(Report& report, const power::CharacterizeResult& result);
void ReportTraining(Report& report, const RunSpec& spec, const TrainStep& step);
void ReportCorrelation(Report& report, const CorrelateResult& result);
// The configuration and the versions of the tools the results come from.
void ReportVersions(Report& report, const RunSpec& spec);

// A per-PE heat map from a toggle CSV (row, col, ..., total) into a PNG; false without gnuplot.
bool PlotToggleHeatmap(const std::filesystem::path& csv, const std::filesystem::path& png,
                       const std::string& title);

}  // namespace powersel::flow
