#include "powersel/flow/correlate.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>

#include "correlate_runs.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/parallel.hpp"
#include "powersel/common/statistics.hpp"
#include "powersel/power/gate_pe.hpp"
#include "powersel/power/synth.hpp"
#include "powersel/qat/integer_engine.hpp"

namespace powersel::flow {

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Scope(const model::ScopedEnergy& energy, const std::string& scope) {
  if (scope == "datapath") {
    return energy.datapath;
  }
  if (scope == "pe") {
    return energy.pe;
  }
  return energy.array;
}

std::vector<TileEnergy> SumBy(const std::vector<TileEnergy>& tiles, bool per_layer) {
  std::vector<TileEnergy> sums;
  std::map<std::pair<std::string, int>, std::size_t> index;
  for (const TileEnergy& tile : tiles) {
    const auto key = std::pair{tile.network, per_layer ? tile.layer : -1};
    auto [found, inserted] = index.emplace(key, sums.size());
    if (inserted) {
      sums.push_back({tile.network, 0, key.second, -1, 0, {}, {}, {}});
    }
    TileEnergy& sum = sums[found->second];
    sum.cycles += tile.cycles;
    sum.measured += tile.measured;
    sum.layer_aware += tile.layer_aware;
    sum.layer_agnostic += tile.layer_agnostic;
  }
  return sums;
}

}  // namespace

FitStats CorrelateResult::Fit(bool layer_aware, const std::string& scope) const {
  std::vector<double> measured;
  std::vector<double> predicted;
  FitStats fit;
  for (const TileEnergy& tile : tiles) {
    measured.push_back(Scope(tile.measured, scope));
    predicted.push_back(Scope(layer_aware ? tile.layer_aware : tile.layer_agnostic, scope));
    const double error = std::abs(predicted.back() - measured.back()) / measured.back();
    fit.mean_rel_err += error;
    fit.max_rel_err = std::max(fit.max_rel_err, error);
  }
  if (tiles.size() >= 2) {
    fit.mean_rel_err /= static_cast<double>(tiles.size());
    fit.pearson_r = PearsonR(measured, predicted);
    fit.spearman_rho = SpearmanRho(measured, predicted);
  }
  return fit;
}

std::vector<TileEnergy> CorrelateResult::Layers() const {
  return SumBy(tiles, true);
}

std::vector<TileEnergy> CorrelateResult::Networks() const {
  return SumBy(tiles, false);
}

CorrelateResult Correlate(const CorrelateSpec& spec, const power::MappedDesign& design,
                          const model::MacTable& table, const std::vector<NetworkVariant>& networks,
                          const qat::ImageDataset& test) {
  const power::Library library = power::ReadLiberty(spec.table.liberty);
  const power::GateNetlist pe = power::ReadGateNetlist(design.netlist_json, "ws_pe_gates", library);
  std::optional<power::NetlistDelays> delays;
  if (table.measurement() == power::Measurement::kTimed) {
    delays = power::StaticPeDelays(design, spec.table.liberty, pe, library, spec.table.energy);
  }
  const detail::GateLevel gates{pe, library, delays ? &*delays : nullptr, spec.table.energy,
                                power::MeasureEdgeFlipFlops(design, library, spec.table.energy)};

  CorrelateResult result;
  result.measurement = table.measurement();
  result.array = spec.array;
  for (const NetworkVariant& variant : networks) {
    result.networks.push_back(variant.name);
  }
  for (const qat::QuantLayer& layer : networks.front().network.layers) {
    result.layer_names.push_back(layer.IsGemm() ? layer.name : "");
  }

  // The layer-aware model reads each network's statistics: its layer inputs from the
  // integer engine and its PE streams from the C++ stream model (no gate level, no
  // Verilator). The layer-agnostic one prices every PE cycle at one energy per weight,
  // averaged over the trained network's activity, as a global activation model does.
  std::vector<NetworkStatistics> statistics;
  for (const NetworkVariant& variant : networks) {
    const auto start = Clock::now();
    statistics.push_back(CaptureStatistics(variant.network,
                                           CaptureLayerInputs(variant.network, test, spec.images),
                                           spec.array, table.classes(), spec.seed, 0));
    result.statistics_seconds += Seconds(start);
  }
  std::vector<double> global_cycles;
  for (const model::PeActivity& tile : statistics.front().tiles) {
    model::AddPairCycles(tile, {}, global_cycles);
  }
  const std::vector<double> global_energy = model::WeightEnergy(table, global_cycles);

  std::vector<detail::MeasuredNetwork> measured(networks.size());
  ParallelFor(networks.size(), spec.threads, [&](std::size_t n) {
    measured[n] = detail::MeasureNetwork(networks[n], test, spec.images, spec.array, gates);
  });

  std::map<int, std::vector<double>> layer_cycles;
  for (std::size_t t = 0; t < measured.front().tiles.size(); ++t) {
    const detail::TileRun& run = measured.front().tiles[t];
    model::AddPairCycles(statistics.front().tiles[t], run.used, layer_cycles[run.layer]);
  }
  for (const auto& [layer, cycles] : layer_cycles) {
    result.layer_weight_energy.emplace_back(layer, model::WeightEnergy(table, cycles));
  }

  const auto predict_start = Clock::now();
  for (std::size_t n = 0; n < measured.size(); ++n) {
    detail::MeasuredNetwork& network = measured[n];
    const std::vector<model::PeActivity>& activity = statistics[n].tiles;
    if (network.tiles.size() != activity.size()) {
      throw std::logic_error("correlate: a variant ran another tile plan than the trained network");
    }
    result.measure_seconds += network.replay_seconds;
    for (std::size_t t = 0; t < network.tiles.size(); ++t) {
      const model::PeWeights pes{network.tiles[t].weights, network.tiles[t].used};
      TileEnergy& tile = network.energy[t];
      tile.layer_aware = model::PredictRun(table, activity[t], pes, gates.edge);
      tile.layer_agnostic = model::PredictRunAgnostic(table, global_energy,
                                                      statistics.front().tiles[t], pes, gates.edge);
      result.tiles.push_back(tile);
    }
  }
  result.predict_seconds = Seconds(predict_start);
  return result;
}

CorrelateResult CorrelateRun(const CorrelateSpec& spec, const std::filesystem::path& network,
                             const qat::DatasetSpec& data, const std::filesystem::path& dir) {
  return CorrelateRun(spec, network, qat::LoadDataset(data).test, dir);
}

CorrelateResult CorrelateRun(const CorrelateSpec& spec, const std::filesystem::path& network,
                             const qat::ImageDataset& test, const std::filesystem::path& dir) {
  const qat::QuantizedNetwork trained = qat::ReadQuantizedNetwork(network);
  qat::CheckInputShape(trained, test);
  EnsureOutputDirectory(dir, "--out");
  const std::vector<NetworkVariant> networks = MakeVariants(trained, spec.seed);
  const model::TransitionClasses classes(spec.table.grouping);
  const LayerInputs inputs = CaptureLayerInputs(trained, test, spec.images);
  model::MacTableSpec table_spec = spec.table;
  table_spec.real_streams =
      CaptureStatistics(trained, inputs, spec.array, classes, spec.seed, spec.table_sample_cycles)
          .samples;
  // The array size of the build's mapping: the PE netlist depends slightly on the design
  // around it, so characterisation and correlation map the same one.
  constexpr tb::ArrayShape kMappedArray{POWERSEL_GATE_ARRAY_SIZE, POWERSEL_GATE_ARRAY_SIZE};
  const power::MappedDesign design =
      spec.table.liberty == power::kDefaultLiberty
          ? power::DefaultMappedDesign()
          : power::MapArrayToLibrary(spec.table.liberty, kMappedArray, dir / "synth");
  const model::MacTable table =
      model::CharacterizeMacTable(table_spec, design, design.netlist_json.parent_path() / "mac");
  const CorrelateResult result = Correlate(spec, design, table, networks, test);
  WriteCorrelation(dir, result);
  return result;
}

}  // namespace powersel::flow
