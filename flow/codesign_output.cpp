// codesign.json, codesign.csv and the report section of the low-power PE's ablation.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "energy_json.hpp"
#include "powersel/common/files.hpp"
#include "powersel/flow/codesign.hpp"

namespace powersel::flow {

namespace {

using detail::ScopedEnergyJson;

nlohmann::json NetworkJson(const NetworkOnPe& network) {
  return {{"measured_fj", ScopedEnergyJson(network.measured)},
          {"predicted_fj", ScopedEnergyJson(network.predicted)}};
}

std::string Percent(double share) {
  return fmt::format("{:.1f} %", 100 * share);
}

}  // namespace

void WriteCodesign(const std::filesystem::path& dir, const CodesignResult& result) {
  const AblationRow& plain_pe = result.ablation.front();
  nlohmann::json rows = nlohmann::json::array();
  std::string csv =
      "pe,cells,flip_flops,area,weight0_fj,plus1_fj,minus1_fj,network_average_fj,"
      "plain_measured_pe_fj,ours_measured_pe_fj,ours_pe_saved_vs_plain_pe,"
      "ours_array_saved_vs_plain_pe\n";
  for (const AblationRow& row : result.ablation) {
    const model::ScopedEnergy saved = model::Saving(row.ours.measured, plain_pe.plain.measured);
    const model::ScopedEnergy predicted =
        model::Saving(row.ours.predicted, plain_pe.plain.predicted);
    rows.push_back(
        {{"pe", row.name},
         {"features",
          {{"zero_weight_isolation", row.features.zero_weight_isolation},
           {"sign_magnitude", row.features.sign_magnitude},
           {"zero_activation_isolation", row.features.zero_activation_isolation},
           {"clock_gating", row.features.clock_gating},
           {"idle_column_gating", row.features.idle_column_gating}}},
         {"cells", row.cells},
         {"flip_flops", row.flip_flops},
         {"area", row.area},
         {"equivalent_to_rtl", row.equivalent},
         {"energy_per_cycle_fj",
          {{"scope", "pe"},
           {"stimulus", "real convolution streams"},
           {"weight_0", row.weight0_fj},
           {"weight_plus1", row.plus1_fj},
           {"weight_minus1", row.minus1_fj},
           {"network_average", row.network_average_fj}}},
         {"plain_network", NetworkJson(row.plain)},
         {"ours", NetworkJson(row.ours)},
         {"ours_reduction_vs_plain_network_on_plain_pe",
          {{"measured", ScopedEnergyJson(saved)}, {"predicted", ScopedEnergyJson(predicted)}}}});
    csv += fmt::format("{},{},{},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.4f},{:.4f}\n",
                       row.name, row.cells, row.flip_flops, row.area, row.weight0_fj, row.plus1_fj,
                       row.minus1_fj, row.network_average_fj, row.plain.measured.pe,
                       row.ours.measured.pe, saved.pe, saved.array);
  }
  const model::ScopedEnergy measured = result.HeadlineReduction(false);
  const model::ScopedEnergy predicted = result.HeadlineReduction(true);
  WriteJsonAtomically(
      dir / "codesign.json",
      {{"measurement", power::MeasurementName(result.measurement)},
       {"level", "gate"},
       {"array", {{"rows", result.array.rows}, {"cols", result.array.cols}}},
       {"ablation", rows},
       {"headline",
        {{"comparison", "ours on the low-power PE against plain 8-bit on the plain PE"},
         {"pe_reduction", measured.pe},
         {"array_reduction", measured.array},
         {"datapath_reduction", measured.datapath},
         {"predicted_pe_reduction", predicted.pe},
         {"predicted_array_reduction", predicted.array},
         {"top1_drop", result.ours_top1_drop}}},
       {"seconds", result.seconds}});
  WriteFileAtomically(dir / "codesign.csv", csv);
}

void ReportCodesign(Report& report, const CodesignResult& result) {
  const AblationRow& plain_pe = result.ablation.front();
  report.Heading("Co-design: the low-power PE, feature by feature");
  report.Paragraph(fmt::format(
      "Each feature set mapped to the liberty, proven equal to the RTL and characterised "
      "(energy per PE cycle, pe scope, on real convolution streams); the run's plain 8-bit "
      "network and ours measured on it at the gate level ({}, {}x{} array), the model's "
      "prediction in brackets. Savings are against the plain network on the plain PE.",
      power::MeasurementName(result.measurement), result.array.rows, result.array.cols));
  std::vector<std::vector<std::string>> rows;
  for (const AblationRow& row : result.ablation) {
    const model::ScopedEnergy saved = model::Saving(row.ours.measured, plain_pe.plain.measured);
    const model::ScopedEnergy predicted =
        model::Saving(row.ours.predicted, plain_pe.plain.predicted);
    const model::ScopedEnergy plain_saved =
        model::Saving(row.plain.measured, plain_pe.plain.measured);
    rows.push_back({row.name, std::to_string(row.cells), std::to_string(row.flip_flops),
                    row.equivalent ? "yes" : "NO", fmt::format("{:.1f}", row.weight0_fj / 1e3),
                    fmt::format("{:.1f}", row.plus1_fj / 1e3),
                    fmt::format("{:.1f}", row.minus1_fj / 1e3),
                    fmt::format("{:.1f}", row.network_average_fj / 1e3), Percent(plain_saved.pe),
                    fmt::format("{} ({})", Percent(saved.pe), Percent(predicted.pe)),
                    fmt::format("{} ({})", Percent(saved.array), Percent(predicted.array)),
                    fmt::format("{} ({})", Percent(saved.datapath), Percent(predicted.datapath))});
  }
  report.Table({"PE", "cells", "flip-flops", "equal to RTL", "w=0 pJ", "w=+1 pJ", "w=-1 pJ",
                "network avg pJ", "plain network pe saved", "ours pe saved", "ours array saved",
                "ours datapath saved"},
               rows);
  const model::ScopedEnergy measured = result.HeadlineReduction(false);
  const model::ScopedEnergy predicted = result.HeadlineReduction(true);
  report.Paragraph(fmt::format(
      "Headline: ours on the low-power PE against plain 8-bit on the plain PE saves {} pe "
      "(model {}), {} array (model {}), {} datapath, at a test top-1 drop of {:.2f} points.",
      Percent(measured.pe), Percent(predicted.pe), Percent(measured.array),
      Percent(predicted.array), Percent(measured.datapath), result.ours_top1_drop));
}

}  // namespace powersel::flow
