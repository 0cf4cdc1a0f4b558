// `powersel compress`: from a trained run to compressed networks whose weights take a few
// low-energy values per layer. Ours: per layer an allowed set chosen by the layer's energy
// per weight value E_l(w) (the energy model) against the weights' movement, high-energy
// layers pressed harder, fine-tuned with the projection; swept over the energy weight, the
// most energy saved within the validation accuracy budget chosen. The PowerPruning-style
// baseline: one set of low-energy values for every layer from the global activity model, the
// same set size and fine-tuning. Energies are the whole-network estimate of each compressed
// network from its own statistics, in the three scopes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "powersel/flow/report.hpp"
#include "powersel/model/energy_model.hpp"
#include "powersel/model/mac_table.hpp"
#include "powersel/qat/fine_tune.hpp"
#include "powersel/qat/train.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::flow {

struct CompressSpec {
  int set_size = 16;  // values per layer (ours) and in the baseline's one set, 0 included
  // Ours: training images whose layer inputs weigh each weight's movement by its
  // sensitivity (0: every weight alike, the default: it measured no better).
  int sensitivity_images = 0;
  // Ours: the energy weight lambda (squared code steps per unit of normalised energy), one
  // compressed network each; a layer's lambda is scaled by its share of the energy.
  std::vector<double> energy_weights = {1500, 2000, 2500};
  // The baseline: its values drawn from the n cheapest codes of the global model, one
  // network per n (n = set size: the cheapest codes themselves; 256: plain k-means).
  std::vector<int> baseline_pools = {28, 32, 64};
  // Validation top-1 below the trained network's (see RunSpec's compress section).
  double max_accuracy_drop = 0.015;
  qat::FineTuneSpec fine_tune;
  std::size_t fine_tune_images = 20'000;  // training images per fine-tuning epoch, 0: all
  tb::ArrayShape array{16, 16};           // the array the energies are estimated on
  int images = 1;                         // test images the statistics are taken from
  model::MacTableSpec table;
  std::size_t table_sample_cycles = 20'000;
  std::uint64_t seed = 1;
};

struct CompressPoint {
  std::string method;                          // "ours" or "baseline"
  double knob = 0;                             // lambda, or the baseline's pool size
  std::string name;                            // file stem under compress/
  std::vector<std::vector<std::int8_t>> sets;  // per GEMM layer
  std::vector<model::ScopedEnergy> layer_energy;
  model::ScopedEnergy energy;  // the network, predicted
  double validation_top1 = 0;
  double test_top1 = 0;
  bool reused = false;  // read back from an earlier, interrupted run
};

struct CompressResult {
  power::Measurement measurement = power::Measurement::kTimed;
  tb::ArrayShape array;
  std::vector<std::string> layer_names;  // per GEMM
  std::vector<double> layer_share;       // of the trained network's datapath energy
  // How hard each layer is pressed: its share times the number of layers (mean 1).
  std::vector<double> layer_pressure;
  std::vector<model::ScopedEnergy> trained_layer_energy;
  model::ScopedEnergy trained_energy;
  model::ScopedEnergy all_zero_energy;  // the bound: every weight 0
  double trained_validation_top1 = 0;
  double trained_test_top1 = 0;
  double max_accuracy_drop = 0;
  std::vector<CompressPoint> points;
  int chosen_ours = -1;  // index into points, -1: none within the budget
  int chosen_baseline = -1;
  // The baseline point with the most datapath saved among those within 0.3 points of the
  // chosen one's validation accuracy or above it, -1 if none.
  int baseline_at_equal_accuracy = -1;
  double seconds = 0;

  // 1 - energy / trained energy, per scope.
  model::ScopedEnergy Reduction(const model::ScopedEnergy& energy) const;
};

// `run_dir`: a complete `train` run (network.qnet.json, checkpoint/) of `trained`; results
// into `out` (compress.json, compress_pareto.csv/.png, compress/ with every network). An
// interrupted call resumes: points already in `out`/compress for the same inputs are read
// back, not fine-tuned again.
CompressResult Compress(const CompressSpec& spec, const qat::TrainSpec& trained,
                        const std::filesystem::path& run_dir, const std::filesystem::path& out);

void WriteCompression(const std::filesystem::path& dir, const CompressResult& result);
void ReportCompression(Report& report, const CompressResult& result);

}  // namespace powersel::flow
