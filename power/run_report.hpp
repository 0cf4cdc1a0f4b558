// The sections of the run report, one per step.
#pragma once

#include <string>
#include <vector>

#include "powersel/power/characterize.hpp"
#include "powersel/power/report.hpp"
#include "powersel/qat/train.hpp"
#include "powersel/tb/regression.hpp"

namespace powersel::power {

struct RegressionOutcome {
  tb::RegressionResult result;
  std::string heatmap;  // PNG beside the report, or empty
};

void ReportRegressions(Report& report, const std::vector<RegressionOutcome>& regressions);
void ReportCharacterization(Report& report, const CharacterizeResult& result);
void ReportTraining(Report& report, const qat::TrainResult& result);

}  // namespace powersel::power
