// `powersel replay`: the savings measured, not predicted. The plain 8-bit network, the
// baseline and ours (as compress chose them) run on the Verilated array: every GEMM of every
// classified test image checked bit-exact against the integer engine and top-1 taken from the
// RTL's logits; on the first `images` test images every tile measured at the gate level (PE
// trace replay + edge registers) and at the RTL-toggle level, per layer and in total in the
// three scopes, with the model's whole-network estimate beside each.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "powersel/flow/compress_choice.hpp"
#include "powersel/flow/network_check.hpp"
#include "powersel/flow/report.hpp"
#include "powersel/model/energy_model.hpp"
#include "powersel/model/mac_table.hpp"
#include "powersel/model/tile_mapping.hpp"
#include "powersel/qat/dataset.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::flow {

struct ReplaySpec {
  tb::ArrayShape array{16, 16};
  int images = 1;               // test images measured at the gate level
  std::size_t top1_images = 0;  // test images classified on the RTL, 0: the whole split
  model::MacTableSpec table;    // its measurement is the replay's
  std::size_t table_sample_cycles = 20'000;
  std::uint64_t seed = 1;
  int threads = 1;
  // Where compress.json names ours and the baseline (another compress --out); empty: the run.
  std::filesystem::path compressed;
};

// One layer's (or the network's) energy from three sources.
struct ReplayedEnergy {
  std::string layer;               // GEMM layer name, "network" for the total
  model::ScopedEnergy measured;    // gate level
  model::ScopedEnergy rtl_toggle;  // RTL-toggle level
  model::ScopedEnergy predicted;   // the model: whole-network estimate, own statistics
};

struct ReplayedNetwork {
  std::string name;  // "plain", "baseline" or "ours"
  std::filesystem::path file;
  NetworkRtlCheck rtl;
  double rtl_top1 = 0;
  std::vector<ReplayedEnergy> layers;  // per GEMM layer
  ReplayedEnergy total;
};

struct ReplayResult {
  power::Measurement measurement = power::Measurement::kTimed;
  tb::ArrayShape array;
  int images = 0;
  int threads = 1;
  bool baseline_at_equal_accuracy = false;
  // The PE the gate level measured; a clock-gated one's traces and RTL top-1 come from the
  // Verilated low-power array.
  power::PeFeatures pe;
  std::vector<ReplayedNetwork> networks;  // plain, baseline, ours
  // The weight-independent floor: the plain network with every weight 0, measured the same
  // way (no weight choice can go below it).
  ReplayedEnergy floor;
  // How each GEMM layer of one image maps onto the array (tiles, cycles, utilisation).
  std::vector<std::pair<std::string, model::LayerMapping>> mapping;
  double top1_seconds = 0;  // every network classified on the RTL
  double gate_seconds = 0;  // every network measured, wall clock

  bool passed() const;  // every network bit-exact on the RTL
  // 1 - network / plain of one energy source (ReplayedEnergy::measured, ...), per scope.
  model::ScopedEnergy Reduction(const ReplayedEnergy& energy,
                                model::ScopedEnergy ReplayedEnergy::*source) const;
  // Top-1 points below the plain network's, on the RTL.
  double Top1Drop(const ReplayedNetwork& network) const;
};

// `run_dir`: a run with network.qnet.json and compress.json; outputs (the MAC table when the
// liberty is not the default) under `out`.
ReplayResult Replay(const ReplaySpec& spec, const std::filesystem::path& run_dir,
                    const qat::ImageDataset& test, const std::filesystem::path& out);

// replay.json, replay_layers.csv and the per-layer plot.
void WriteReplay(const std::filesystem::path& dir, const ReplayResult& result);
void ReportReplay(Report& report, const ReplayResult& result);

}  // namespace powersel::flow
