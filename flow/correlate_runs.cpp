#include "correlate_runs.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "powersel/model/array_streams.hpp"
#include "powersel/power/replay.hpp"
#include "powersel/qat/integer_engine.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/tiling.hpp"

namespace powersel::flow::detail {

namespace {

// The network's layer index of each GEMM the engine runs, in its order.
std::vector<int> GemmLayers(const qat::QuantizedNetwork& network) {
  std::vector<int> layers;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    if (network.layers[i].IsGemm()) {
      layers.push_back(static_cast<int>(i));
    }
  }
  return layers;
}

}  // namespace

// The PE grid of a tile as Harness::LoadWeights places it: weight (k, n) at PE (k, n).
TileRun PlaceTile(tb::ArrayShape array, const Matrix<std::int8_t>& tile_weights) {
  TileRun run;
  const auto pes = static_cast<std::size_t>(array.rows * array.cols);
  run.weights.assign(pes, 0);
  run.used.assign(pes, 0);
  for (int k = 0; k < tile_weights.rows(); ++k) {
    for (int n = 0; n < tile_weights.cols(); ++n) {
      const auto pe = static_cast<std::size_t>(k * array.cols + n);
      run.weights[pe] = tile_weights(k, n);
      run.used[pe] = 1;
    }
  }
  return run;
}

namespace {

using Clock = std::chrono::steady_clock;

// Each PE's clock over a trace, priced by what its clock gates let through.
std::vector<double> TraceClockFj(const tb::ArrayTrace& trace, const power::PeClockEnergy& clock) {
  const auto pes = static_cast<std::size_t>(trace.shape.rows * trace.shape.cols);
  std::vector<double> energy(pes, 0);
  for (std::size_t pe = 0; pe < pes; ++pe) {
    double shifts = 0;
    double valids = 0;
    for (std::size_t cycle = 0; cycle < trace.cycles(); ++cycle) {
      const tb::PeInputs& in = trace.pe_inputs[cycle * pes + pe];
      shifts += in.shift ? 1 : 0;
      valids += in.act_valid ? 1 : 0;
    }
    energy[pe] = clock.Energy(static_cast<double>(trace.cycles()), shifts, valids);
  }
  return energy;
}

}  // namespace

MeasuredNetwork MeasureNetwork(const NetworkVariant& variant, const qat::ImageDataset& test,
                               int images, tb::ArrayShape array, const GateLevel& gates) {
  tb::HarnessOptions rtl_array = power::RtlArrayOptions(array, gates.features);
  rtl_array.count_toggles = true;
  rtl_array.record_trace = true;
  tb::Harness harness(rtl_array);
  harness.TakeTrace();  // the power-on reset is no part of any layer
  harness.ClearToggles();
  power::PeReplay replay(array, gates.pe, gates.library, gates.options, gates.delays);
  const qat::IntegerEngine engine(variant.network, array);
  const std::vector<int> gemm_layers = GemmLayers(variant.network);
  MeasuredNetwork measured;
  const auto pes = static_cast<std::size_t>(array.rows * array.cols);
  std::vector<double> before(pes, 0);
  std::vector<double> clock_before(pes, 0);
  for (int image = 0; image < images; ++image) {
    std::size_t gemm = 0;
    const qat::GemmBackend backend = [&](const Matrix<std::uint8_t>& activations,
                                         const Matrix<std::int8_t>& weights) {
      const int layer = gemm_layers.at(gemm++);
      int tile = 0;
      return tb::RunTiledGemm(
          harness, activations, weights,
          [&](const tb::TileCoord&, const Matrix<std::uint8_t>&,
              const Matrix<std::int8_t>& tile_weights, const Matrix<std::int32_t>&) {
            const tb::ArrayTrace trace = harness.TakeTrace();
            const tb::ToggleCounts toggles = *harness.toggles();
            harness.ClearToggles();
            const auto start = Clock::now();
            replay.Feed(trace);
            const std::vector<double> after = replay.PeEnergyFj();
            const std::vector<double> clock_after = replay.PeClockFj();
            measured.replay_seconds += std::chrono::duration<double>(Clock::now() - start).count();

            TileRun run = PlaceTile(array, tile_weights);
            run.image = image;
            run.layer = layer;
            run.tile = tile++;
            TileEnergy energy{variant.name, image, layer, run.tile, trace.cycles(), {}, {}, {}, {}};
            for (std::size_t pe = 0; pe < after.size(); ++pe) {
              const double pe_fj = after[pe] - before[pe];
              if (run.used[pe] != 0) {
                energy.measured.pe += pe_fj;
                energy.measured.datapath += pe_fj - (clock_after[pe] - clock_before[pe]);
              }
              energy.measured.array += pe_fj;
            }
            const std::vector<double> toggle_clock = TraceClockFj(trace, gates.clock);
            const double edge_fj = power::EstimateEdgeEnergy(toggles, gates.edge).total_fj();
            energy.measured.array += edge_fj;
            energy.rtl_toggle.array = edge_fj;
            for (int row = 0; row < array.rows; ++row) {
              for (int col = 0; col < array.cols; ++col) {
                const auto pe = static_cast<std::size_t>(row * array.cols + col);
                const double datapath = gates.toggles.PeDatapathFj(toggles, row, col);
                if (run.used[pe] != 0) {
                  energy.rtl_toggle.datapath += datapath;
                  energy.rtl_toggle.pe += datapath + toggle_clock[pe];
                }
                energy.rtl_toggle.array += datapath + toggle_clock[pe];
              }
            }
            before = after;
            clock_before = clock_after;
            measured.tiles.push_back(std::move(run));
            measured.energy.push_back(energy);
          });
    };
    engine.Run(test.Image(static_cast<std::size_t>(image)), backend);
  }
  return measured;
}

}  // namespace powersel::flow::detail

namespace powersel::flow {

LayerInputs CaptureLayerInputs(const qat::QuantizedNetwork& network, const qat::ImageDataset& test,
                               int images) {
  const qat::IntegerEngine engine(network);
  LayerInputs inputs(static_cast<std::size_t>(images));
  for (int image = 0; image < images; ++image) {
    engine.Run(test.Image(static_cast<std::size_t>(image)),
               [&](std::size_t, const Matrix<std::uint8_t>& activations) {
                 inputs[static_cast<std::size_t>(image)].push_back(activations);
               });
  }
  return inputs;
}

NetworkStatistics CaptureStatistics(const qat::QuantizedNetwork& network, const LayerInputs& inputs,
                                    tb::ArrayShape array, const model::TransitionClasses& classes,
                                    std::uint64_t seed, std::size_t sample_cycles,
                                    const power::PeFeatures& pe) {
  const auto start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(seed);
  model::ArrayStreamModel streams({.shape = array,
                                   .clock_gating = pe.clock_gating,
                                   .idle_column_gating = pe.idle_column_gating});
  const qat::IntegerEngine engine(network, array);
  std::vector<std::size_t> gemm_layers;
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    if (network.layers[l].IsGemm()) {
      gemm_layers.push_back(l);
    }
  }
  NetworkStatistics statistics;
  model::PeActivity running(array, classes);
  std::vector<std::int8_t> pe_weights(static_cast<std::size_t>(array.rows * array.cols), 0);
  std::size_t sampled_pe = 0;
  std::vector<tb::PeInputs> sample;
  const model::PeVisitor observe = [&](std::span<const tb::PeInputs> pes) {
    running.Observe(pes, pe_weights);
    if (!pes[sampled_pe].shift) {
      sample.push_back(pes[sampled_pe]);
    }
  };
  for (const std::vector<Matrix<std::uint8_t>>& image : inputs) {
    for (std::size_t gemm = 0; gemm < image.size() && gemm < gemm_layers.size(); ++gemm) {
      const Matrix<std::uint8_t>& activations = image[gemm];
      const Matrix<std::int8_t>& weights = engine.GemmWeights(gemm_layers[gemm]);
      for (const tb::TileCoord& coord : tb::PlanTiles(weights.rows(), weights.cols(), array)) {
        const Matrix<std::int8_t> tile_weights = tb::SliceWeights(weights, coord);
        pe_weights = detail::PlaceTile(array, tile_weights).weights;
        sampled_pe = static_cast<std::size_t>(
            std::uniform_int_distribution<int>(0, coord.k_size - 1)(rng) * array.cols +
            std::uniform_int_distribution<int>(0, coord.n_size - 1)(rng));
        streams.LoadWeights(tile_weights, observe);
        streams.Stream(tb::SliceActivations(activations, coord), {}, observe);
        statistics.tiles.push_back(running);
        statistics.tiles.back().Seal();
        statistics.tile_gemms.push_back(static_cast<int>(gemm));
        statistics.tile_coords.push_back(coord);
        running = running.Continuation();
        statistics.samples.push_back(std::move(sample));
        sample.clear();
      }
    }
  }
  // Down to the budget: whole tiles' streams, drawn at random.
  std::shuffle(statistics.samples.begin(), statistics.samples.end(), rng);
  std::size_t kept = 0;
  std::size_t cycles = 0;
  while (kept < statistics.samples.size() &&
         cycles + statistics.samples[kept].size() <= sample_cycles) {
    cycles += statistics.samples[kept++].size();
  }
  statistics.samples.resize(kept);
  statistics.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return statistics;
}

}  // namespace powersel::flow
