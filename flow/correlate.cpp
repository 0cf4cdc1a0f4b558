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
      sums.push_back({tile.network, 0, key.second, -1, 0, {}, {}, {}, {}});
    }
    TileEnergy& sum = sums[found->second];
    sum.cycles += tile.cycles;
    sum.measured += tile.measured;
    sum.rtl_toggle += tile.rtl_toggle;
    sum.layer_aware += tile.layer_aware;
    sum.layer_agnostic += tile.layer_agnostic;
  }
  return sums;
}

// Repeats of the estimate timed, so that one lasts long enough for the clock.
constexpr int kEstimateRepeats = 20;

// Pearson r, Spearman rho and relative errors of `predicted` against `measured`.
FitStats FitOf(const std::vector<double>& measured, const std::vector<double>& predicted) {
  FitStats fit;
  for (std::size_t i = 0; i < measured.size(); ++i) {
    const double error = std::abs(predicted[i] - measured[i]) / measured[i];
    fit.mean_rel_err += error;
    fit.max_rel_err = std::max(fit.max_rel_err, error);
  }
  if (measured.size() >= 2) {
    fit.mean_rel_err /= static_cast<double>(measured.size());
    fit.pearson_r = PearsonR(measured, predicted);
    fit.spearman_rho = SpearmanRho(measured, predicted);
  }
  return fit;
}

}  // namespace

FitStats CorrelateResult::Compare(EnergySource source, EnergySource reference,
                                  const std::string& scope) const {
  auto energy_of = [](const TileEnergy& tile, EnergySource from) -> const model::ScopedEnergy& {
    switch (from) {
      case EnergySource::kGateLevel:
        return tile.measured;
      case EnergySource::kRtlToggle:
        return tile.rtl_toggle;
      case EnergySource::kLayerAware:
        return tile.layer_aware;
      case EnergySource::kLayerAgnostic:
        return tile.layer_agnostic;
    }
    throw std::logic_error("correlate: unknown energy source");
  };
  std::vector<double> measured;
  std::vector<double> predicted;
  for (const TileEnergy& tile : tiles) {
    measured.push_back(Scope(energy_of(tile, reference), scope));
    predicted.push_back(Scope(energy_of(tile, source), scope));
  }
  return FitOf(measured, predicted);
}

FitStats CorrelateResult::EstimateFit(bool from_trained, const std::string& scope) const {
  std::vector<double> measured;
  std::vector<double> estimated;
  for (const LayerEstimate& layer : estimates) {
    measured.push_back(Scope(layer.measured, scope));
    estimated.push_back(Scope(from_trained ? layer.from_trained : layer.own, scope));
  }
  return FitOf(measured, estimated);
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
  const power::EdgeFlipFlopEnergy edge =
      power::MeasureEdgeFlipFlops(design, library, spec.table.energy);
  const power::PeFeatures& features = spec.table.pe;
  const power::ToggleEnergyModel toggle_model = power::CalibrateToggleEnergy(
      {.array = spec.array, .seed = spec.seed, .low_power_array = features.clock_gating}, pe,
      library, spec.table.energy, delays ? &*delays : nullptr, edge);
  const detail::GateLevel gates{pe,
                                library,
                                delays ? &*delays : nullptr,
                                spec.table.energy,
                                edge,
                                toggle_model,
                                table.clock(),
                                features};

  CorrelateResult result;
  result.measurement = table.measurement();
  result.toggle_model = toggle_model;
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
                                           spec.array, table.classes(), spec.seed, 0, features));
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

  // The whole-network estimate of every network, from its own statistics and from the
  // trained network's; E_l(w) of the trained network from the latter.
  std::vector<GemmWeights> gemms;
  for (const NetworkVariant& variant : networks) {
    gemms.push_back(WeightsOf(variant.network, spec.array));
  }
  const model::NetworkEstimate trained_estimate =
      EstimateOf(table, spec.array, gemms.front(), statistics.front(), gates.edge);
  for (std::size_t g = 0; g < gemms.front().layers.size(); ++g) {
    result.layer_weight_energy.emplace_back(gemms.front().layers[g],
                                            trained_estimate.WeightEnergy(static_cast<int>(g)));
  }
  for (std::size_t n = 0; n < networks.size(); ++n) {
    const model::NetworkEstimate own =
        EstimateOf(table, spec.array, gemms[n], statistics[n], gates.edge);
    const auto start = Clock::now();
    std::vector<model::ScopedEnergy> own_energy;
    for (int repeat = 0; repeat < kEstimateRepeats; ++repeat) {
      own_energy = own.Estimate(gemms[n].weights);
    }
    result.estimate_seconds +=
        Seconds(start) / kEstimateRepeats / static_cast<double>(networks.size());
    const std::vector<model::ScopedEnergy> trained_energy =
        trained_estimate.Estimate(gemms[n].weights);
    for (std::size_t g = 0; g < gemms[n].layers.size(); ++g) {
      LayerEstimate layer{
          networks[n].name, gemms[n].layers[g], {}, own_energy[g], trained_energy[g]};
      for (const TileEnergy& tile : measured[n].energy) {
        if (tile.layer == layer.layer) {
          layer.measured += tile.measured;
        }
      }
      result.estimates.push_back(layer);
    }
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

GemmWeights WeightsOf(const qat::QuantizedNetwork& network, tb::ArrayShape array) {
  const qat::IntegerEngine engine(network, array);
  GemmWeights gemms;
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    if (network.layers[l].IsGemm()) {
      gemms.layers.push_back(static_cast<int>(l));
      gemms.weights.push_back(engine.GemmWeights(l));
      gemms.shapes.emplace_back(gemms.weights.back().rows(), gemms.weights.back().cols());
    }
  }
  return gemms;
}

model::NetworkEstimate EstimateOf(const model::MacTable& table, tb::ArrayShape array,
                                  const GemmWeights& gemms, const NetworkStatistics& statistics,
                                  const power::EdgeFlipFlopEnergy& edge) {
  std::vector<model::CapturedTile> tiles;
  for (std::size_t t = 0; t < statistics.tiles.size(); ++t) {
    tiles.push_back({statistics.tile_gemms[t], statistics.tile_coords[t], &statistics.tiles[t]});
  }
  return model::NetworkEstimate(table, array, gemms.shapes, tiles, edge);
}

RunTable MeasureRunTable(const model::MacTableSpec& spec, const qat::QuantizedNetwork& trained,
                         const LayerInputs& inputs, tb::ArrayShape array, std::uint64_t seed,
                         std::size_t sample_cycles, const std::filesystem::path& dir) {
  model::MacTableSpec table_spec = spec;
  const model::TransitionClasses classes(spec.grouping);
  table_spec.real_streams =
      CaptureStatistics(trained, inputs, array, classes, seed, sample_cycles, spec.pe).samples;
  // The array size of the build's mapping: the PE netlist depends slightly on the design
  // around it, so characterisation and correlation map the same one.
  constexpr tb::ArrayShape kMappedArray{POWERSEL_GATE_ARRAY_SIZE, POWERSEL_GATE_ARRAY_SIZE};
  power::MappedDesign design =
      spec.liberty == power::kDefaultLiberty && spec.pe.plain()
          ? power::DefaultMappedDesign()
          : power::MapArrayToLibrary(spec.liberty, kMappedArray,
                                     dir / ("synth-" + power::PeFeaturesName(spec.pe)), spec.pe);
  model::MacTable table =
      model::CharacterizeMacTable(table_spec, design, design.netlist_json.parent_path() / "mac");
  return {std::move(design), std::move(table)};
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
  const RunTable run_table = MeasureRunTable(spec.table, trained, inputs, spec.array, spec.seed,
                                             spec.table_sample_cycles, dir);
  const power::MappedDesign& design = run_table.design;
  const model::MacTable& table = run_table.table;
  const CorrelateResult result = Correlate(spec, design, table, networks, test);
  WriteCorrelation(dir, result);
  return result;
}

}  // namespace powersel::flow
