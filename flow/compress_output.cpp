// compress.json, the accuracy-against-energy sweep (CSV and Pareto plot) and the report
// section of a compression.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "energy_json.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/gnuplot.hpp"
#include "powersel/flow/compress.hpp"

namespace powersel::flow {

namespace {

using detail::ScopedEnergyJson;

nlohmann::json PointJson(const CompressResult& result, const CompressPoint& point) {
  nlohmann::json sets = nlohmann::json::object();
  for (std::size_t g = 0; g < point.sets.size(); ++g) {
    sets[result.layer_names[g]] = point.sets[g];
  }
  return {{"method", point.method},
          {"knob", point.knob},
          {"network", "compress/" + point.name + ".qnet.json"},
          {"predicted_fj", ScopedEnergyJson(point.energy)},
          {"reduction", ScopedEnergyJson(result.Reduction(point.energy))},
          {"validation_top1", point.validation_top1},
          {"test_top1", point.test_top1},
          {"allowed_sets", sets}};
}

nlohmann::json Chosen(const CompressResult& result, int index) {
  return index < 0 ? nlohmann::json(nullptr)
                   : PointJson(result, result.points[static_cast<std::size_t>(index)]);
}

std::string Percent(double share) {
  return fmt::format("{:.1f} %", 100 * share);
}

}  // namespace

void WriteCompression(const std::filesystem::path& dir, const CompressResult& result) {
  nlohmann::json points = nlohmann::json::array();
  for (const CompressPoint& point : result.points) {
    points.push_back(PointJson(result, point));
  }
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t g = 0; g < result.layer_names.size(); ++g) {
    layers.push_back({{"layer", result.layer_names[g]},
                      {"datapath_share", result.layer_share[g]},
                      {"predicted_fj", ScopedEnergyJson(result.trained_layer_energy[g])}});
  }
  WriteJsonAtomically(
      dir / "compress.json",
      {{"measurement", power::MeasurementName(result.measurement)},
       {"level", "model"},
       {"array", {{"rows", result.array.rows}, {"cols", result.array.cols}}},
       {"trained",
        {{"predicted_fj", ScopedEnergyJson(result.trained_energy)},
         {"validation_top1", result.trained_validation_top1},
         {"test_top1", result.trained_test_top1},
         {"layers", layers}}},
       {"bound_all_zero",
        {{"predicted_fj", ScopedEnergyJson(result.all_zero_energy)},
         {"reduction", ScopedEnergyJson(result.Reduction(result.all_zero_energy))}}},
       {"max_accuracy_drop", result.max_accuracy_drop},
       {"ours", Chosen(result, result.chosen_ours)},
       {"baseline", Chosen(result, result.chosen_baseline)},
       {"baseline_at_equal_accuracy", Chosen(result, result.baseline_at_equal_accuracy)},
       {"sweep", points},
       {"seconds", result.seconds}});

  std::string csv =
      "method,knob,validation_top1,test_top1,datapath_reduction,pe_reduction,"
      "array_reduction\n";
  for (const CompressPoint& point : result.points) {
    const model::ScopedEnergy reduction = result.Reduction(point.energy);
    csv += fmt::format("{},{:g},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f}\n", point.method, point.knob,
                       point.validation_top1, point.test_top1, reduction.datapath, reduction.pe,
                       reduction.array);
  }
  WriteFileAtomically(dir / "compress_pareto.csv", csv);
  const std::string data = GnuplotQuoted(dir / "compress_pareto.csv");
  PlotPng(dir / "compress_pareto.png", [&](const std::string& output) {
    return fmt::format(
        "set terminal pngcairo size 900,520\nset output {}\nset datafile separator ','\n"
        "set title 'Test top-1 against predicted energy reduction ({}, datapath)'\n"
        "set xlabel 'datapath energy reduction (%)'\nset ylabel 'test top-1 (%)'\nset grid\n"
        "set key bottom left\n"
        "plot {} u ($5*100):(strcol(1) eq 'ours' ? $4*100 : 1/0) skip 1 w lp pt 7 t 'ours', "
        "'' u ($5*100):(strcol(1) eq 'baseline' ? $4*100 : 1/0) skip 1 w lp pt 5 "
        "t 'PowerPruning-style baseline', {:.4f} w l dt 2 t 'trained'\n",
        output, power::MeasurementName(result.measurement), data, 100 * result.trained_test_top1);
  });
}

void ReportCompression(Report& report, const CompressResult& result) {
  report.Heading("Compression: energy-aware weight selection");
  report.Paragraph(fmt::format(
      "Per layer an allowed set of weight values chosen by the energy model's E_l(w) against "
      "the weights' movement (layers pressed by their share of the energy), fine-tuned with "
      "the projection; the PowerPruning-style baseline one set of low-energy values for all "
      "layers from the global model. Energies: the whole-network estimate of each network "
      "from its own statistics ({}, {}x{} array). Chosen: the most datapath energy saved "
      "within {:.1f} points of the trained network's validation top-1 ({:.2f} %; test "
      "{:.2f} %). Bound if every weight were 0: datapath {}, pe {}, array {}.",
      power::MeasurementName(result.measurement), result.array.rows, result.array.cols,
      100 * result.max_accuracy_drop, 100 * result.trained_validation_top1,
      100 * result.trained_test_top1, Percent(result.Reduction(result.all_zero_energy).datapath),
      Percent(result.Reduction(result.all_zero_energy).pe),
      Percent(result.Reduction(result.all_zero_energy).array)));
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < result.points.size(); ++i) {
    const CompressPoint& point = result.points[i];
    const model::ScopedEnergy reduction = result.Reduction(point.energy);
    const bool chosen =
        static_cast<int>(i) == result.chosen_ours || static_cast<int>(i) == result.chosen_baseline;
    rows.push_back({point.method + (chosen ? " (chosen)" : ""), fmt::format("{:g}", point.knob),
                    Percent(point.validation_top1), Percent(point.test_top1),
                    Percent(reduction.datapath), Percent(reduction.pe), Percent(reduction.array)});
  }
  report.Table({"method", "lambda / pool", "validation top-1", "test top-1", "datapath saved",
                "pe saved", "array saved"},
               rows);
  report.Image("compress_pareto.png", "Accuracy against predicted energy, both methods");
  if (result.chosen_ours >= 0) {
    const CompressPoint& ours = result.points[static_cast<std::size_t>(result.chosen_ours)];
    const int baseline_index = result.baseline_at_equal_accuracy >= 0
                                   ? result.baseline_at_equal_accuracy
                                   : result.chosen_baseline;
    std::vector<std::vector<std::string>> set_rows;
    for (std::size_t g = 0; g < ours.sets.size(); ++g) {
      std::vector<std::string> row = {result.layer_names[g], Percent(result.layer_share[g]),
                                      fmt::format("{}", fmt::join(ours.sets[g], " "))};
      if (baseline_index >= 0) {
        row.push_back(fmt::format(
            "{}", fmt::join(result.points[static_cast<std::size_t>(baseline_index)].sets[g], " ")));
      }
      set_rows.push_back(row);
    }
    std::vector<std::string> header = {"layer", "datapath share", "ours: allowed weights"};
    if (baseline_index >= 0) {
      header.emplace_back("baseline: allowed weights");
    }
    report.Table(header, set_rows);
  }
}

}  // namespace powersel::flow
