// Model against measurement: a trained network and weight-changed variants of it run real
// test images through the Verilated array; every tile is measured at the gate level (PE trace
// replay + edge registers) and predicted by the layer-aware model (from the trained
// network's statistics) and by the layer-agnostic one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "powersel/common/matrix.hpp"
#include "powersel/model/energy_model.hpp"
#include "powersel/model/mac_table.hpp"
#include "powersel/model/network_estimate.hpp"
#include "powersel/power/pe_features.hpp"
#include "powersel/power/toggle_energy.hpp"
#include "powersel/qat/dataset.hpp"
#include "powersel/qat/quantized_network.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::flow {

struct CorrelateSpec {
  tb::ArrayShape array{16, 16};
  int images = 1;             // test images per network
  model::MacTableSpec table;  // its measurement is the measurement of the whole comparison
  // Cycles of real PE streams (sampled from the trained network's tiles) the MAC table is
  // measured on before its synthetic top-up.
  std::size_t table_sample_cycles = 20'000;
  std::uint64_t seed = 1;
  int threads = 1;
};

// The input of every GEMM layer of a network for each image: [image][GEMM layer] (M x K).
using LayerInputs = std::vector<std::vector<Matrix<std::uint8_t>>>;
LayerInputs CaptureLayerInputs(const qat::QuantizedNetwork& network, const qat::ImageDataset& test,
                               int images);

// What the model knows of a weight set, from the C++ stream model (no Verilator): layer
// inputs streamed through the array with `network`'s weights. Per tile (images,
// layers, tiles in execution order) the PE activity, and one used PE's stream per tile,
// sampled down to `sample_cycles`, for the MAC table.
struct NetworkStatistics {
  std::vector<model::PeActivity> tiles;
  std::vector<int> tile_gemms;             // per tile: its GEMM, in the network's order
  std::vector<tb::TileCoord> tile_coords;  // per tile: its place in the GEMM
  std::vector<std::vector<tb::PeInputs>> samples;
  double seconds = 0;
};
// `pe`: the streams PEs with these features see (a clock-gated PE's neighbours hold outside
// valid cycles, idle columns may be off).
NetworkStatistics CaptureStatistics(const qat::QuantizedNetwork& network, const LayerInputs& inputs,
                                    tb::ArrayShape array, const model::TransitionClasses& classes,
                                    std::uint64_t seed, std::size_t sample_cycles,
                                    const power::PeFeatures& pe = {});

// A network's GEMM layers (indices into its layers), their weight matrices as the array
// holds them (K x N) and their shapes.
struct GemmWeights {
  std::vector<int> layers;
  std::vector<Matrix<std::int8_t>> weights;
  std::vector<std::pair<int, int>> shapes;
};
GemmWeights WeightsOf(const qat::QuantizedNetwork& network, tb::ArrayShape array);

// The whole-network estimate of a network from its statistics (CaptureStatistics of it).
model::NetworkEstimate EstimateOf(const model::MacTable& table, tb::ArrayShape array,
                                  const GemmWeights& gemms, const NetworkStatistics& statistics,
                                  const power::EdgeFlipFlopEnergy& edge);

// The MAC table a run's comparisons read, on the PE of the array mapped to spec.liberty (the
// build's own mapping for the default liberty, else mapped into `dir`/synth), measured on
// real PE streams of `trained`'s tiles first (`sample_cycles` of them); cached beside the
// netlist.
struct RunTable {
  power::MappedDesign design;
  model::MacTable table;
};
RunTable MeasureRunTable(const model::MacTableSpec& spec, const qat::QuantizedNetwork& trained,
                         const LayerInputs& inputs, tb::ArrayShape array, std::uint64_t seed,
                         std::size_t sample_cycles, const std::filesystem::path& dir);

// A network with weights changed the way a selection might change them: pruned to a share of
// zeros, projected onto powers of two, or onto a few random values per layer.
struct NetworkVariant {
  std::string name;
  qat::QuantizedNetwork network;
};
std::vector<NetworkVariant> MakeVariants(const qat::QuantizedNetwork& trained, std::uint64_t seed);

struct TileEnergy {
  std::string network;
  int image = 0;
  int layer = 0;  // index into the network's layers
  int tile = 0;   // in execution order within the layer
  std::uint64_t cycles = 0;
  model::ScopedEnergy measured;    // gate level: PE trace replay plus edge registers
  model::ScopedEnergy rtl_toggle;  // RTL-toggle level (power::ToggleEnergyModel)
  model::ScopedEnergy layer_aware;
  model::ScopedEnergy layer_agnostic;
};

struct FitStats {
  double pearson_r = 0;
  double spearman_rho = 0;
  double mean_rel_err = 0;
  double max_rel_err = 0;
};

// The whole-network estimate (model::NetworkEstimate) of one network's layer: from the
// network's own statistics, and from the trained network's (what a selection that changes
// weights without running the data again has).
struct LayerEstimate {
  std::string network;
  int layer = 0;
  model::ScopedEnergy measured;
  model::ScopedEnergy own;
  model::ScopedEnergy from_trained;
};

// Where a tile's energy comes from: the two measurements and the two models.
enum class EnergySource { kGateLevel, kRtlToggle, kLayerAware, kLayerAgnostic };

struct CorrelateResult {
  power::Measurement measurement = power::Measurement::kTimed;
  power::ToggleEnergyModel toggle_model;  // its prices, fitted on calibration tiles
  tb::ArrayShape array;
  std::vector<std::string> networks;     // the trained network first
  std::vector<std::string> layer_names;  // per layer index (empty for non-GEMM layers)
  std::vector<TileEnergy> tiles;
  // The trained network's energy per weight value, per GEMM layer (layer index, E_l(w) for
  // w = -128..127): datapath fJ of a streaming PE cycle under that layer's activity.
  std::vector<std::pair<int, std::vector<double>>> layer_weight_energy;
  double measure_seconds = 0;     // gate-level replay of every tile
  double predict_seconds = 0;     // the model on every tile, statistics given
  double statistics_seconds = 0;  // the statistics of every weight set
  std::vector<LayerEstimate> estimates;
  double estimate_seconds = 0;  // one whole-network estimate, statistics given (mean)

  // Over tiles (`scope`: "datapath", "pe", "array"): `source` against `reference`.
  FitStats Compare(EnergySource source, EnergySource reference, const std::string& scope) const;
  // A model against the gate level.
  FitStats Fit(bool layer_aware, const std::string& scope) const {
    return Compare(layer_aware ? EnergySource::kLayerAware : EnergySource::kLayerAgnostic,
                   EnergySource::kGateLevel, scope);
  }
  // Over (network, layer) pairs of the whole-network estimate.
  FitStats EstimateFit(bool from_trained, const std::string& scope) const;
  // Gate-level replay of one whole network (mean).
  double ReplaySecondsPerNetwork() const {
    return measure_seconds / static_cast<double>(networks.size());
  }
  // Sums per (network, layer) and per network, as tiles hold them.
  std::vector<TileEnergy> Layers() const;
  std::vector<TileEnergy> Networks() const;
};

// Runs the comparison; `table` is the MAC table of the spec's measurement; networks.front()
// is the trained network the others are compared with.
// `design` is the array mapped to the table's liberty (its PE replays, its edge flip-flops
// price the edge registers).
CorrelateResult Correlate(const CorrelateSpec& spec, const power::MappedDesign& design,
                          const model::MacTable& table, const std::vector<NetworkVariant>& networks,
                          const qat::ImageDataset& test);

// correlate.json, correlate_tiles.csv, correlate_layers.csv and the scatter plots.
void WriteCorrelation(const std::filesystem::path& dir, const CorrelateResult& result);

// The whole command: the run directory's network.qnet.json and dataset, outputs into `dir`.
// The default liberty uses the build's mapped array (the MAC table cached beside it), another
// one is mapped into `dir`/synth.
CorrelateResult CorrelateRun(const CorrelateSpec& spec, const std::filesystem::path& network,
                             const qat::DatasetSpec& data, const std::filesystem::path& dir);
// The same on test images already loaded (a run has them).
CorrelateResult CorrelateRun(const CorrelateSpec& spec, const std::filesystem::path& network,
                             const qat::ImageDataset& test, const std::filesystem::path& dir);

}  // namespace powersel::flow
