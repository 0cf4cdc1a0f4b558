#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <tuple>

#include "energy_json.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/gnuplot.hpp"
#include "powersel/flow/correlate.hpp"
#include "run_report.hpp"

namespace powersel::flow {

namespace {

constexpr const char* kScopes[] = {"datapath", "pe", "array"};

using detail::ScopedEnergyJson;

// Per scope, the fit `fit_of(scope)` gives.
template <typename FitOfScope>
nlohmann::json FitsJson(FitOfScope fit_of) {
  nlohmann::json fits = nlohmann::json::object();
  for (const char* scope : kScopes) {
    const FitStats fit = fit_of(scope);
    fits[scope] = {{"pearson_r", fit.pearson_r},
                   {"spearman_rho", fit.spearman_rho},
                   {"mean_rel_err", fit.mean_rel_err},
                   {"max_rel_err", fit.max_rel_err}};
  }
  return fits;
}

nlohmann::json Fits(const CorrelateResult& result, EnergySource source,
                    EnergySource reference = EnergySource::kGateLevel) {
  return FitsJson([&](const char* scope) { return result.Compare(source, reference, scope); });
}

double RelErr(double predicted, double measured) {
  return (predicted - measured) / measured;
}

nlohmann::json RelErrs(const model::ScopedEnergy& predicted, const model::ScopedEnergy& measured) {
  return {{"datapath", RelErr(predicted.datapath, measured.datapath)},
          {"pe", RelErr(predicted.pe, measured.pe)},
          {"array", RelErr(predicted.array, measured.array)}};
}

// Reduction of each network against the first (the trained one), per scope.
nlohmann::json Reductions(const std::vector<TileEnergy>& networks) {
  nlohmann::json reductions = nlohmann::json::object();
  const TileEnergy& base = networks.front();
  auto reduction = [](const model::ScopedEnergy& now, const model::ScopedEnergy& before) {
    return ScopedEnergyJson(model::Saving(now, before));
  };
  for (const TileEnergy& network : networks) {
    reductions[network.network] = {
        {"measured", reduction(network.measured, base.measured)},
        {"layer_aware", reduction(network.layer_aware, base.layer_aware)},
        {"layer_agnostic", reduction(network.layer_agnostic, base.layer_agnostic)}};
  }
  return reductions;
}

// The energy columns both CSVs share: measured (gate level), layer-aware, layer-agnostic,
// RTL-toggle level, each per scope.
constexpr const char* kEnergyColumns =
    "measured_datapath_fj,measured_pe_fj,measured_array_fj,aware_datapath_fj,aware_pe_fj,"
    "aware_array_fj,agnostic_datapath_fj,agnostic_pe_fj,agnostic_array_fj,rtl_datapath_fj,"
    "rtl_pe_fj,rtl_array_fj\n";

std::string EnergyColumns(const TileEnergy& t) {
  std::string columns;
  for (const model::ScopedEnergy* energy :
       {&t.measured, &t.layer_aware, &t.layer_agnostic, &t.rtl_toggle}) {
    columns += fmt::format("{:.1f},{:.1f},{:.1f},", energy->datapath, energy->pe, energy->array);
  }
  columns.back() = '\n';
  return columns;
}

std::string TilesCsv(const CorrelateResult& result) {
  std::string csv = std::string("network,image,layer,tile,cycles,") + kEnergyColumns;
  for (const TileEnergy& t : result.tiles) {
    csv += fmt::format("{},{},{},{},{},", t.network, t.image,
                       result.layer_names[static_cast<std::size_t>(t.layer)], t.tile, t.cycles) +
           EnergyColumns(t);
  }
  return csv;
}

std::string WeightEnergyCsv(const CorrelateResult& result) {
  std::string csv = "weight";
  for (const auto& [layer, energy] : result.layer_weight_energy) {
    csv += "," + result.layer_names[static_cast<std::size_t>(layer)] + "_fj";
  }
  csv += "\n";
  for (int weight = -128; weight < 128; ++weight) {
    csv += std::to_string(weight);
    for (const auto& [layer, energy] : result.layer_weight_energy) {
      csv += fmt::format(",{:.2f}", energy[static_cast<std::size_t>(weight + 128)]);
    }
    csv += "\n";
  }
  return csv;
}

std::string LayersCsv(const CorrelateResult& result) {
  std::string csv = std::string("network,layer,cycles,") + kEnergyColumns;
  for (const TileEnergy& t : result.Layers()) {
    csv += fmt::format("{},{},{},", t.network,
                       result.layer_names[static_cast<std::size_t>(t.layer)], t.cycles) +
           EnergyColumns(t);
  }
  return csv;
}

// The RTL-toggle level: its prices, against the gate level, and the model against it.
nlohmann::json RtlToggle(const CorrelateResult& result) {
  nlohmann::json prices = nlohmann::json::object();
  for (int signal = 0; signal < tb::kPeSignalCount; ++signal) {
    prices[std::string(tb::kPeSignalNames[static_cast<std::size_t>(signal)])] =
        result.toggle_model.fj_per_toggle[static_cast<std::size_t>(signal)];
  }
  return {{"fj_per_toggle", prices},
          {"calibration_samples", result.toggle_model.calibration_samples},
          {"against_gate_level", Fits(result, EnergySource::kRtlToggle)},
          {"layer_aware_against_rtl_toggle",
           Fits(result, EnergySource::kLayerAware, EnergySource::kRtlToggle)}};
}

nlohmann::json EstimateFits(const CorrelateResult& result, bool from_trained) {
  return FitsJson([&](const char* scope) { return result.EstimateFit(from_trained, scope); });
}

nlohmann::json Estimates(const CorrelateResult& result) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerEstimate& layer : result.estimates) {
    layers.push_back({{"network", layer.network},
                      {"layer", result.layer_names[static_cast<std::size_t>(layer.layer)]},
                      {"measured_fj", ScopedEnergyJson(layer.measured)},
                      {"own_statistics_fj", ScopedEnergyJson(layer.own)},
                      {"trained_statistics_fj", ScopedEnergyJson(layer.from_trained)},
                      {"rel_err", RelErrs(layer.own, layer.measured)},
                      {"trained_statistics_rel_err", RelErrs(layer.from_trained, layer.measured)}});
  }
  return {{"own_statistics", EstimateFits(result, false)},
          {"trained_statistics", EstimateFits(result, true)},
          {"layers", layers},
          {"seconds_per_network", result.estimate_seconds},
          {"replay_seconds_per_network", result.ReplaySecondsPerNetwork()},
          {"speedup", result.ReplaySecondsPerNetwork() / result.estimate_seconds}};
}

}  // namespace

void WriteCorrelation(const std::filesystem::path& dir, const CorrelateResult& result) {
  nlohmann::json layers = nlohmann::json::array();
  for (const TileEnergy& layer : result.Layers()) {
    layers.push_back({{"network", layer.network},
                      {"layer", result.layer_names[static_cast<std::size_t>(layer.layer)]},
                      {"cycles", layer.cycles},
                      {"measured_fj", ScopedEnergyJson(layer.measured)},
                      {"predicted_fj", ScopedEnergyJson(layer.layer_aware)},
                      {"agnostic_fj", ScopedEnergyJson(layer.layer_agnostic)},
                      {"rel_err", RelErrs(layer.layer_aware, layer.measured)},
                      {"agnostic_rel_err", RelErrs(layer.layer_agnostic, layer.measured)}});
  }
  WriteJsonAtomically(dir / "correlate.json",
                      {{"measurement", power::MeasurementName(result.measurement)},
                       {"level", "gate"},
                       {"array", {{"rows", result.array.rows}, {"cols", result.array.cols}}},
                       {"networks", result.networks},
                       {"tiles", result.tiles.size()},
                       {"layer_aware", Fits(result, EnergySource::kLayerAware)},
                       {"layer_agnostic", Fits(result, EnergySource::kLayerAgnostic)},
                       {"rtl_toggle", RtlToggle(result)},
                       {"layers", layers},
                       {"reductions", Reductions(result.Networks())},
                       {"seconds",
                        {{"gate_level_replay", result.measure_seconds},
                         {"model", result.predict_seconds},
                         {"statistics", result.statistics_seconds}}},
                       {"model_speedup", result.measure_seconds / result.predict_seconds},
                       {"whole_network_estimate", Estimates(result)}});
  WriteFileAtomically(dir / "correlate_tiles.csv", TilesCsv(result));
  WriteFileAtomically(dir / "energy_per_weight.csv", WeightEnergyCsv(result));
  PlotPng(dir / "energy_per_weight.png", [&](const std::string& output) {
    std::string plots;
    for (std::size_t l = 0; l < result.layer_weight_energy.size(); ++l) {
      const std::string& name =
          result.layer_names[static_cast<std::size_t>(result.layer_weight_energy[l].first)];
      plots +=
          fmt::format("{}{} using 1:{} skip 1 with lines title '{}'", l == 0 ? "" : ", ",
                      l == 0 ? GnuplotQuoted(dir / "energy_per_weight.csv") : "''", l + 2, name);
    }
    return fmt::format(
        "set terminal pngcairo size 900,520\nset output {}\nset datafile separator ','\n"
        "set title 'Energy per weight value and layer (trained network, {}, datapath)'\n"
        "set xlabel 'weight'\nset ylabel 'fJ per streaming PE cycle'\nset key outside right\n"
        "set grid\nplot {}\n",
        output, power::MeasurementName(result.measurement), plots);
  });
  WriteFileAtomically(dir / "correlate_layers.csv", LayersCsv(result));
  const std::string data = GnuplotQuoted(dir / "correlate_tiles.csv");
  // Columns: measured datapath 6, pe 7, array 8; aware 9..11; agnostic 12..14.
  PlotPng(dir / "correlate_scatter.png", [&](const std::string& output) {
    return fmt::format(
        "set terminal pngcairo size 1200,420\nset output {}\nset datafile separator ','\n"
        "set multiplot layout 1,3 title 'Predicted against measured energy per tile ({}, "
        "gate level, fJ)'\nset logscale xy\nset grid\nset key top left\n"
        "set xlabel 'measured'\nset ylabel 'predicted'\n"
        "set title 'datapath'\nplot {} u 6:9 skip 1 w p pt 7 ps 0.4 t 'layer-aware', '' u "
        "6:12 skip 1 w p pt 6 ps 0.4 t 'layer-agnostic', x notitle lc 'black'\n"
        "set title 'pe'\nplot {} u 7:10 skip 1 w p pt 7 ps 0.4 t 'layer-aware', '' u 7:13 skip "
        "1 w p pt 6 ps 0.4 t 'layer-agnostic', x notitle lc 'black'\n"
        "set title 'array'\nplot {} u 8:11 skip 1 w p pt 7 ps 0.4 t 'layer-aware', '' u 8:14 "
        "skip 1 w p pt 6 ps 0.4 t 'layer-agnostic', x notitle lc 'black'\nunset multiplot\n",
        output, power::MeasurementName(result.measurement), data, data, data);
  });
}

void ReportCorrelation(Report& report, const CorrelateResult& result) {
  report.Heading("Energy model against gate-level measurement");
  report.Paragraph(fmt::format(
      "{} networks (the trained one and weight-changed variants) on the {}x{} array, {} tiles, "
      "each measured at the gate level ({}: PE trace replay plus edge registers) and "
      "predicted by the layer-aware model (MAC table x each network's PE activity from the "
      "C++ stream model) and the layer-agnostic one (one energy per weight from a global "
      "activity). Fit over tiles; per layer and tile: correlate_layers.csv, "
      "correlate_tiles.csv.",
      result.networks.size(), result.array.rows, result.array.cols, result.tiles.size(),
      power::MeasurementName(result.measurement)));
  std::vector<std::vector<std::string>> fits;
  for (const bool aware : {true, false}) {
    for (const char* scope : kScopes) {
      const FitStats fit = result.Fit(aware, scope);
      fits.push_back({aware ? "layer-aware" : "layer-agnostic", scope,
                      fmt::format("{:.4f}", fit.pearson_r), fmt::format("{:.4f}", fit.spearman_rho),
                      fmt::format("{:.2f} %", 100 * fit.mean_rel_err),
                      fmt::format("{:.2f} %", 100 * fit.max_rel_err)});
    }
  }
  report.Table({"model", "scope", "Pearson r", "Spearman rho", "mean rel. error", "max rel. error"},
               fits);
  std::vector<std::vector<std::string>> levels;
  for (const auto& [source, reference, name] :
       {std::tuple{EnergySource::kRtlToggle, EnergySource::kGateLevel,
                   "RTL-toggle level against gate level"},
        std::tuple{EnergySource::kLayerAware, EnergySource::kRtlToggle,
                   "layer-aware model against RTL-toggle level"}}) {
    for (const char* scope : kScopes) {
      const FitStats fit = result.Compare(source, reference, scope);
      levels.push_back({name, scope, fmt::format("{:.4f}", fit.pearson_r),
                        fmt::format("{:.2f} %", 100 * fit.mean_rel_err),
                        fmt::format("{:.2f} %", 100 * fit.max_rel_err)});
    }
  }
  std::string prices;
  for (int signal = 0; signal < tb::kPeSignalCount; ++signal) {
    prices += fmt::format("{}{} {:.1f}", signal == 0 ? "" : ", ",
                          tb::kPeSignalNames[static_cast<std::size_t>(signal)],
                          result.toggle_model.fj_per_toggle[static_cast<std::size_t>(signal)]);
  }
  report.Paragraph(fmt::format(
      "The RTL-toggle level: the Verilated array's per-signal bit toggles of every tile, "
      "priced per toggle (fJ: {}; fitted by least squares to the gate-level replay of {} PE "
      "tiles of random calibration data, not these networks), clock and edge registers as "
      "at the gate level:",
      prices, result.toggle_model.calibration_samples));
  report.Table({"comparison", "scope", "Pearson r", "mean rel. error", "max rel. error"}, levels);
  std::vector<std::vector<std::string>> reductions;
  const std::vector<TileEnergy> networks = result.Networks();
  for (const TileEnergy& network : networks) {
    auto reduction = [&](double now, double base) {
      return fmt::format("{:.1f} %", 100 * (1 - now / base));
    };
    const TileEnergy& base = networks.front();
    reductions.push_back({network.network,
                          reduction(network.measured.datapath, base.measured.datapath),
                          reduction(network.layer_aware.datapath, base.layer_aware.datapath),
                          reduction(network.measured.pe, base.measured.pe),
                          reduction(network.layer_aware.pe, base.layer_aware.pe),
                          reduction(network.measured.array, base.measured.array),
                          reduction(network.layer_aware.array, base.layer_aware.array)});
  }
  report.Paragraph(
      "Energy reduction of each network against the trained one, measured and "
      "predicted (layer-aware):");
  report.Table({"network", "datapath measured", "predicted", "pe measured", "predicted",
                "array measured", "predicted"},
               reductions);
  report.Paragraph(fmt::format(
      "Speed: gate-level replay of every tile {:.1f} s; the model {:.3f} s given the "
      "statistics ({:.0f}x faster), statistics of every network {:.2f} s (integer engine and "
      "stream model).",
      result.measure_seconds, result.predict_seconds,
      result.measure_seconds / result.predict_seconds, result.statistics_seconds));
  std::vector<std::vector<std::string>> estimate_rows;
  for (const bool from_trained : {false, true}) {
    for (const char* scope : kScopes) {
      const FitStats fit = result.EstimateFit(from_trained, scope);
      estimate_rows.push_back({from_trained ? "the trained network's" : "its own", scope,
                               fmt::format("{:.4f}", fit.pearson_r),
                               fmt::format("{:.2f} %", 100 * fit.mean_rel_err),
                               fmt::format("{:.2f} %", 100 * fit.max_rel_err)});
    }
  }
  report.Paragraph(fmt::format(
      "The whole-network estimate (per layer and array row, one energy curve per weight "
      "value; weight loads from the weights themselves): {:.0f} us per network against "
      "{:.2f} s of gate-level replay ({:.0f}x). Per (network, layer), from each network's "
      "own statistics and from the trained network's (what a selection that changes weights "
      "without running the data again has):",
      1e6 * result.estimate_seconds, result.ReplaySecondsPerNetwork(),
      result.ReplaySecondsPerNetwork() / result.estimate_seconds));
  report.Table({"statistics", "scope", "Pearson r", "mean rel. error", "max rel. error"},
               estimate_rows);
  report.Image("correlate_scatter.png", "Predicted against measured energy per tile");
  report.Paragraph(
      "What a weight value costs in each layer of the trained network "
      "(layer-aware model, datapath, per streaming PE cycle; "
      "energy_per_weight.csv): the curves a weight selection weighs.");
  report.Image("energy_per_weight.png", "Energy per weight value and layer");
}

}  // namespace powersel::flow
