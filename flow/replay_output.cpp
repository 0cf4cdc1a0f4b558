// replay.json, the per-layer CSV and plot, and the report section of a replay.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "energy_json.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/gnuplot.hpp"
#include "powersel/flow/replay.hpp"

namespace powersel::flow {

namespace {

using detail::ScopedEnergyJson;

nlohmann::json EnergyJson(const ReplayedEnergy& energy) {
  return {{"layer", energy.layer},
          {"measured_fj", ScopedEnergyJson(energy.measured)},
          {"rtl_toggle_fj", ScopedEnergyJson(energy.rtl_toggle)},
          {"predicted_fj", ScopedEnergyJson(energy.predicted)}};
}

nlohmann::json NetworkJson(const ReplayResult& result, const ReplayedNetwork& network) {
  nlohmann::json layers = nlohmann::json::array();
  for (const ReplayedEnergy& layer : network.layers) {
    layers.push_back(EnergyJson(layer));
  }
  nlohmann::json json = EnergyJson(network.total);
  json.erase("layer");
  json["name"] = network.name;
  json["file"] = network.file.string();
  json["rtl"] = ToJson(network.rtl);
  json["rtl"]["seconds"] = network.rtl.seconds;
  json["rtl_top1"] = network.rtl_top1;
  json["top1_drop_points"] = result.Top1Drop(network);
  json["reduction"] = {
      {"measured", ScopedEnergyJson(result.Reduction(network.total, &ReplayedEnergy::measured))},
      {"rtl_toggle",
       ScopedEnergyJson(result.Reduction(network.total, &ReplayedEnergy::rtl_toggle))},
      {"predicted", ScopedEnergyJson(result.Reduction(network.total, &ReplayedEnergy::predicted))}};
  json["layers"] = layers;
  return json;
}

nlohmann::json MappingJson(const ReplayResult& result) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& [name, layer] : result.mapping) {
    layers.push_back({{"layer", name},
                      {"m", layer.m},
                      {"k", layer.k},
                      {"n", layer.n},
                      {"tiles", layer.tiles.size()},
                      {"cycles", layer.cycles},
                      {"utilisation", layer.utilisation}});
  }
  return layers;
}

// Busy PE-cycles over all PE-cycles of one image.
double Utilisation(const ReplayResult& result) {
  double busy = 0;
  double all = 0;
  for (const auto& [name, layer] : result.mapping) {
    busy += static_cast<double>(layer.busy_pe_cycles);
    all += static_cast<double>(layer.pe_cycles);
  }
  return all > 0 ? busy / all : 0;
}

std::string Percent(double share) {
  return fmt::format("{:.1f} %", 100 * share);
}

// "measured (predicted)" of one scope's reduction.
std::string MeasuredAndPredicted(double measured, double predicted) {
  return fmt::format("{:.1f} % ({:.1f} %)", 100 * measured, 100 * predicted);
}

void PlotNetworks(const std::filesystem::path& dir, const ReplayResult& result) {
  std::string csv = "network,rtl_top1,measured_datapath,measured_pe,measured_array\n";
  auto row = [&](const std::string& name, double top1, const ReplayedEnergy& energy) {
    const model::ScopedEnergy& plain = result.networks.front().total.measured;
    csv += fmt::format("{},{:.4f},{:.4f},{:.4f},{:.4f}\n", name, top1,
                       energy.measured.datapath / plain.datapath, energy.measured.pe / plain.pe,
                       energy.measured.array / plain.array);
  };
  for (const ReplayedNetwork& network : result.networks) {
    row(network.name, network.rtl_top1, network.total);
  }
  row("floor", 0, result.floor);
  WriteFileAtomically(dir / "replay_networks.csv", csv);
  const std::string data = GnuplotQuoted(dir / "replay_networks.csv");
  PlotPng(dir / "replay_networks.png", [&](const std::string& output) {
    return fmt::format(
        "set terminal pngcairo size 900,520\nset output {}\nset datafile separator ','\n"
        "set title 'Measured energy (gate level, {}) against the plain network, per scope'\n"
        "set ylabel 'energy (% of plain)'\nset yrange [0:110]\nset style data histograms\n"
        "set style histogram clustered gap 1\nset style fill solid 0.8 border -1\n"
        "set grid ytics\nset key top right\n"
        "plot {} u ($3*100):xtic(strcol(1).(strcol(1) eq 'floor' ? '' : "
        "sprintf(' (%.1f %%)', $2*100))) skip 1 t 'datapath', '' u ($4*100) skip 1 t 'pe', "
        "'' u ($5*100) skip 1 t 'array'\n",
        output, power::MeasurementName(result.measurement), data);
  });
}

}  // namespace

void WriteReplay(const std::filesystem::path& dir, const ReplayResult& result) {
  nlohmann::json networks = nlohmann::json::array();
  for (const ReplayedNetwork& network : result.networks) {
    networks.push_back(NetworkJson(result, network));
  }
  WriteJsonAtomically(
      dir / "replay.json",
      {{"measurement", power::MeasurementName(result.measurement)},
       {"level", {{"measured", "gate"}, {"rtl_toggle", "rtl-toggle"}, {"predicted", "model"}}},
       {"array", {{"rows", result.array.rows}, {"cols", result.array.cols}}},
       {"images", result.images},
       {"top1_images", result.networks.front().rtl.images},
       {"threads", result.threads},
       {"pe", power::PeFeaturesName(result.pe)},
       {"rtl_array", result.pe.clock_gating ? "low-power" : "plain"},
       {"baseline_at_equal_accuracy", result.baseline_at_equal_accuracy},
       {"passed", result.passed()},
       {"networks", networks},
       {"floor",
        {{"measured_fj", ScopedEnergyJson(result.floor.measured)},
         {"predicted_fj", ScopedEnergyJson(result.floor.predicted)},
         {"reduction",
          {{"measured",
            ScopedEnergyJson(result.Reduction(result.floor, &ReplayedEnergy::measured))},
           {"predicted",
            ScopedEnergyJson(result.Reduction(result.floor, &ReplayedEnergy::predicted))}}}}},
       {"mapping", MappingJson(result)},
       {"top1_seconds", result.top1_seconds},
       {"gate_seconds", result.gate_seconds}});

  std::string csv =
      "network,layer,measured_datapath_fj,measured_pe_fj,measured_array_fj,"
      "rtl_toggle_datapath_fj,rtl_toggle_pe_fj,rtl_toggle_array_fj,predicted_datapath_fj,"
      "predicted_pe_fj,predicted_array_fj\n";
  for (const ReplayedNetwork& network : result.networks) {
    for (const ReplayedEnergy& layer : network.layers) {
      csv += fmt::format("{},{},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f}\n",
                         network.name, layer.layer, layer.measured.datapath, layer.measured.pe,
                         layer.measured.array, layer.rtl_toggle.datapath, layer.rtl_toggle.pe,
                         layer.rtl_toggle.array, layer.predicted.datapath, layer.predicted.pe,
                         layer.predicted.array);
    }
  }
  WriteFileAtomically(dir / "replay_layers.csv", csv);
  PlotNetworks(dir, result);
  const std::string data = GnuplotQuoted(dir / "replay_layers.csv");
  PlotPng(dir / "replay_layers.png", [&](const std::string& output) {
    return fmt::format(
        "set terminal pngcairo size 900,520\nset output {}\nset datafile separator ','\n"
        "set title 'Per layer: measured (gate level, {}) and predicted pe energy'\n"
        "set ylabel 'pe energy (nJ)'\nset style data histograms\n"
        "set style histogram clustered gap 1\nset style fill solid 0.8 border -1\n"
        "set xtics rotate by -30\nset grid ytics\nset key top right\n"
        "plot {} u ($4/1e6):xtic(strcol(1).' '.strcol(2)) skip 1 t 'measured', "
        "'' u ($10/1e6) skip 1 t 'predicted'\n",
        output, power::MeasurementName(result.measurement), data);
  });
}

void ReportReplay(Report& report, const ReplayResult& result) {
  const ReplayedNetwork& plain = result.networks.front();
  report.Heading("Replay: the savings measured on the RTL");
  report.Paragraph(fmt::format(
      "The plain 8-bit network, the PowerPruning-style baseline ({}) and ours on the "
      "Verilated {}x{} array ({} PE; the gate level measures the {} PE). Top-1 from the RTL's "
      "logits over {} test images, every GEMM "
      "checked bit-exact against the integer engine ({}). Energy of the first {} test "
      "image(s): measured at the gate level ({}: PE trace replay + edge registers), beside "
      "it the model's prediction (whole-network estimate from each network's own "
      "statistics); reductions against the plain network as measured (predicted).",
      result.baseline_at_equal_accuracy ? "at ours' accuracy" : "its own choice", result.array.rows,
      result.array.cols, result.pe.clock_gating ? "low-power" : "plain",
      power::PeFeaturesName(result.pe), plain.rtl.images,
      result.passed() ? "all bit-exact" : "MISMATCHES", result.images,
      power::MeasurementName(result.measurement)));
  std::vector<std::vector<std::string>> rows;
  for (const ReplayedNetwork& network : result.networks) {
    const model::ScopedEnergy measured = result.Reduction(network.total, &ReplayedEnergy::measured);
    const model::ScopedEnergy predicted =
        result.Reduction(network.total, &ReplayedEnergy::predicted);
    rows.push_back({network.name, Percent(network.rtl_top1),
                    fmt::format("{:.2f}", result.Top1Drop(network)),
                    std::to_string(network.rtl.mismatches),
                    fmt::format("{:.1f}", network.total.measured.pe / 1e6),
                    MeasuredAndPredicted(measured.datapath, predicted.datapath),
                    MeasuredAndPredicted(measured.pe, predicted.pe),
                    MeasuredAndPredicted(measured.array, predicted.array)});
  }
  const model::ScopedEnergy floor_measured =
      result.Reduction(result.floor, &ReplayedEnergy::measured);
  const model::ScopedEnergy floor_predicted =
      result.Reduction(result.floor, &ReplayedEnergy::predicted);
  rows.push_back({"floor (every weight 0)", "-", "-", "-",
                  fmt::format("{:.1f}", result.floor.measured.pe / 1e6),
                  MeasuredAndPredicted(floor_measured.datapath, floor_predicted.datapath),
                  MeasuredAndPredicted(floor_measured.pe, floor_predicted.pe),
                  MeasuredAndPredicted(floor_measured.array, floor_predicted.array)});
  report.Table({"network", "RTL top-1", "drop (points)", "mismatches", "pe energy (nJ)",
                "datapath saved", "pe saved", "array saved"},
               rows);
  report.Paragraph(fmt::format(
      "The floor is the weight-independent energy: the plain network with every weight 0, "
      "measured the same way. No choice of weights saves more than it does in any scope; in "
      "`pe` and `array` the clock of every flip-flop stays. RTL-toggle level (per-signal "
      "prices fitted to gate-level replays of random GEMMs): ours saves {} datapath, {} pe.",
      Percent(result.Reduction(result.networks.back().total, &ReplayedEnergy::rtl_toggle).datapath),
      Percent(result.Reduction(result.networks.back().total, &ReplayedEnergy::rtl_toggle).pe)));
  report.Image("replay_networks.png", "Measured energy of the three networks and the floor");
  std::vector<std::vector<std::string>> mapping_rows;
  for (const auto& [name, layer] : result.mapping) {
    mapping_rows.push_back({name, fmt::format("{}x{}x{}", layer.m, layer.k, layer.n),
                            std::to_string(layer.tiles.size()), std::to_string(layer.cycles),
                            Percent(layer.utilisation)});
  }
  report.Paragraph(fmt::format(
      "Mapping of one image onto the {}x{} array (M x K x N per GEMM layer): utilisation {} of "
      "its PE-cycles; fully connected layers stream one row per weight tile, so fill, drain "
      "and weight loads dominate them.",
      result.array.rows, result.array.cols, Percent(Utilisation(result))));
  report.Table({"layer", "M x K x N", "tiles", "cycles", "utilisation"}, mapping_rows);
  std::vector<std::vector<std::string>> layer_rows;
  for (const ReplayedNetwork& network : result.networks) {
    for (const ReplayedEnergy& layer : network.layers) {
      layer_rows.push_back({network.name, layer.layer,
                            fmt::format("{:.1f}", layer.measured.datapath / 1e6),
                            fmt::format("{:.1f}", layer.predicted.datapath / 1e6),
                            fmt::format("{:.1f}", layer.measured.pe / 1e6),
                            fmt::format("{:.1f}", layer.predicted.pe / 1e6),
                            fmt::format("{:.1f}", layer.rtl_toggle.pe / 1e6)});
    }
  }
  report.Table({"network", "layer", "datapath measured (nJ)", "datapath predicted", "pe measured",
                "pe predicted", "pe RTL-toggle"},
               layer_rows);
  report.Image("replay_layers.png", "Per layer: measured and predicted pe energy");
}

}  // namespace powersel::flow
