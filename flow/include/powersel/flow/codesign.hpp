// `powersel codesign`: the low-power PE measured feature by feature. For each feature set
// (plain, zero-weight isolation, sign-magnitude weights, zero-activation isolation, all of
// them) the PE is mapped to the liberty, proven equal to the RTL and characterised (area;
// energy per cycle of weight 0, +1, -1 and the network's average on real streams), and the
// run's plain 8-bit network and our compressed one are measured on it at the gate level with
// the model's prediction beside.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "powersel/flow/report.hpp"
#include "powersel/model/energy_model.hpp"
#include "powersel/power/liberty.hpp"
#include "powersel/power/measurement.hpp"
#include "powersel/power/synth.hpp"
#include "powersel/qat/dataset.hpp"
#include "powersel/tb/array_shape.hpp"

namespace powersel::flow {

struct CodesignSpec {
  std::filesystem::path liberty = power::kDefaultLiberty;  // every PE is mapped to it
  tb::ArrayShape array{16, 16};                            // the networks' array
  int images = 1;                                          // test images measured per network
  int cycles = 500;            // characterisation cycles per weight and stimulus
  int cycles_per_class = 100;  // the MAC tables' synthetic top-up (model::MacTableSpec)
  power::Measurement measurement = power::Measurement::kTimed;
  std::uint64_t seed = 1;
  int threads = 1;
  // Where compress.json names "ours" (e.g. a compress --pe low-power into another folder:
  // the selection co-designed with the PE); empty: the run directory.
  std::filesystem::path compressed;
};

// One network on one PE: gate-level measurement and the model, three scopes.
struct NetworkOnPe {
  model::ScopedEnergy measured;
  model::ScopedEnergy predicted;
};

struct AblationRow {
  std::string name;  // power::PeFeatureSets()'s
  power::PeFeatures features;
  int cells = 0;
  int flip_flops = 0;
  double area = 0;
  bool equivalent = false;  // the gate-level PE against the RTL reference
  // `pe` scope, per PE cycle on real Fashion-MNIST convolution streams.
  double weight0_fj = 0;
  double plus1_fj = 0;
  double minus1_fj = 0;
  double network_average_fj = 0;  // over the trained network's weights
  NetworkOnPe plain;              // the run's plain 8-bit network
  NetworkOnPe ours;               // compress's choice
};

struct CodesignResult {
  power::Measurement measurement = power::Measurement::kTimed;
  tb::ArrayShape array;
  std::vector<AblationRow> ablation;  // plain first, all features last
  double ours_top1_drop = 0;          // points, RTL (replay.json) or the engine (compress.json)
  std::string top1_source;
  double seconds = 0;

  // Ours on the low-power PE against plain 8-bit on the plain PE (fractions).
  model::ScopedEnergy HeadlineReduction(bool predicted) const;
};

// `run_dir`: a run with network.qnet.json and compress.json; outputs under `out`.
CodesignResult Codesign(const CodesignSpec& spec, const std::filesystem::path& run_dir,
                        const qat::ImageDataset& test, const std::filesystem::path& out);

void WriteCodesign(const std::filesystem::path& dir, const CodesignResult& result);
void ReportCodesign(Report& report, const CodesignResult& result);

}  // namespace powersel::flow
