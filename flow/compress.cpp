#include "powersel/flow/compress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <numeric>

#include "energy_json.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/progress.hpp"
#include "powersel/flow/correlate.hpp"
#include "powersel/power/edge_energy.hpp"
#include "powersel/qat/integer_engine.hpp"
#include "powersel/qat/weight_selection.hpp"

namespace powersel::flow {

namespace {

using Clock = std::chrono::steady_clock;

// How many weights of each layer hold each code (index code + 128).
std::vector<std::vector<double>> CodeCounts(const qat::QuantizedNetwork& network) {
  std::vector<std::vector<double>> counts;
  for (const qat::QuantLayer& layer : network.layers) {
    if (layer.IsGemm()) {
      counts.emplace_back(qat::kCodes, 0.0);
      for (const std::int8_t w : layer.weights) {
        counts.back()[static_cast<std::size_t>(w + 128)] += 1;
      }
    }
  }
  return counts;
}

// Per GEMM layer and code, how much a code step of the weights holding that code moves the
// layer's output: for weight (k, n) its input's mean square E[x_k^2] (the diagonal of the
// layer's Hessian for the squared output error, in code units), averaged over the code's
// weights and normalised to mean 1 over the layer's weights. `inputs`: each GEMM layer's
// activation rows for some training images. (Weighing by the channel's scale squared as
// well, the Hessian in real units, selected worse: README, "Compression".)
std::vector<std::vector<double>> CodeSensitivity(const qat::QuantizedNetwork& network,
                                                 const LayerInputs& inputs) {
  std::vector<std::vector<double>> sensitivity;
  std::size_t gemm = 0;
  for (const qat::QuantLayer& layer : network.layers) {
    if (!layer.IsGemm()) {
      continue;
    }
    const int k_total = layer.GemmK();
    std::vector<double> mean_square(static_cast<std::size_t>(k_total), 0.0);
    double rows = 0;
    for (const std::vector<Matrix<std::uint8_t>>& image : inputs) {
      const Matrix<std::uint8_t>& activations = image.at(gemm);
      for (int m = 0; m < activations.rows(); ++m) {
        for (int k = 0; k < k_total; ++k) {
          const double x = activations(m, k);
          mean_square[static_cast<std::size_t>(k)] += x * x;
        }
      }
      rows += activations.rows();
    }
    std::vector<double> weighted(qat::kCodes, 0.0);
    std::vector<double> count(qat::kCodes, 0.0);
    double total = 0;
    for (int n = 0; n < layer.out_channels; ++n) {
      for (int k = 0; k < k_total; ++k) {
        const double h = mean_square[static_cast<std::size_t>(k)] / std::max(rows, 1.0);
        const auto code = static_cast<std::size_t>(
            layer.weights[static_cast<std::size_t>(n) * k_total + k] + 128);
        weighted[code] += h;
        count[code] += 1;
        total += h;
      }
    }
    const double mean = total > 0 ? total / static_cast<double>(layer.weights.size()) : 1.0;
    for (std::size_t code = 0; code < weighted.size(); ++code) {
      weighted[code] = count[code] > 0 && total > 0 ? weighted[code] / count[code] / mean : 1.0;
    }
    sensitivity.push_back(std::move(weighted));
    ++gemm;
  }
  return sensitivity;
}

model::ScopedEnergy Total(const std::vector<model::ScopedEnergy>& layers) {
  model::ScopedEnergy total;
  for (const model::ScopedEnergy& layer : layers) {
    total += layer;
  }
  return total;
}

// What makes a point's result: its inputs, so that an interrupted run reuses only its own.
std::string PointKey(const CompressSpec& spec, const std::string& trained_text,
                     const CompressPoint& point) {
  return fmt::format(
      "{:016x}",
      Fnv1a(fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", point.method, point.knob,
                        point.method == "ours" ? spec.sensitivity_images : 0, spec.set_size,
                        spec.fine_tune.epochs, spec.fine_tune.learning_rate, spec.fine_tune.seed,
                        spec.fine_tune_images, spec.array.rows, spec.array.cols,
                        power::MeasurementName(spec.table.measurement), spec.images),
            Fnv1a(trained_text)));
}

// An earlier run's point (same key), or false.
bool ReadPoint(const std::filesystem::path& file, const std::string& key, CompressPoint& point) {
  if (!std::filesystem::exists(file)) {
    return false;
  }
  try {
    const nlohmann::json json = nlohmann::json::parse(ReadFileText(file, "compress point"));
    if (json.at("key").get<std::string>() != key) {
      return false;
    }
    point.sets = json.at("sets").get<std::vector<std::vector<std::int8_t>>>();
    for (const nlohmann::json& layer : json.at("layer_energy_fj")) {
      point.layer_energy.push_back(detail::ScopedEnergyFromJson(layer));
    }
    point.energy = Total(point.layer_energy);
    point.validation_top1 = json.at("validation_top1").get<double>();
    point.test_top1 = json.at("test_top1").get<double>();
    point.reused = true;
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;  // a torn or foreign file: measured again
  }
}

void WritePoint(const std::filesystem::path& file, const std::string& key,
                const CompressPoint& point) {
  nlohmann::json layers = nlohmann::json::array();
  for (const model::ScopedEnergy& layer : point.layer_energy) {
    layers.push_back(detail::ScopedEnergyJson(layer));
  }
  WriteJsonAtomically(file, {{"key", key},
                             {"method", point.method},
                             {"knob", point.knob},
                             {"sets", point.sets},
                             {"layer_energy_fj", layers},
                             {"validation_top1", point.validation_top1},
                             {"test_top1", point.test_top1}});
}

// The most datapath energy saved among `points` of `method` whose validation accuracy is at
// least `floor`; -1 if none.
int Best(const std::vector<CompressPoint>& points, const std::string& method, double floor) {
  int best = -1;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].method == method && points[i].validation_top1 >= floor - 1e-12 &&
        (best < 0 ||
         points[i].energy.datapath < points[static_cast<std::size_t>(best)].energy.datapath)) {
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace

model::ScopedEnergy CompressResult::Reduction(const model::ScopedEnergy& energy) const {
  return model::Saving(energy, trained_energy);
}

CompressResult Compress(const CompressSpec& spec, const qat::TrainSpec& trained_spec,
                        const std::filesystem::path& run_dir, const std::filesystem::path& out) {
  const auto start = Clock::now();
  const std::filesystem::path network_file = run_dir / "network.qnet.json";
  const qat::QuantizedNetwork trained = qat::ReadQuantizedNetwork(network_file);
  const std::string trained_text = ReadFileText(network_file, "network");
  qat::DatasetSpec data = trained_spec.data;
  data.train_limit = spec.fine_tune_images;
  const qat::DatasetSplits splits = qat::LoadDataset(data);
  qat::CheckInputShape(trained, splits.test);
  EnsureOutputDirectory(out / "compress", "--out");

  // The model: the MAC table on real streams of the trained network, and each network's
  // whole-network estimate from its own statistics.
  const LayerInputs trained_inputs = CaptureLayerInputs(trained, splits.test, spec.images);
  const RunTable run_table = MeasureRunTable(spec.table, trained, trained_inputs, spec.array,
                                             spec.seed, spec.table_sample_cycles, out);
  const model::MacTable& table = run_table.table;
  const power::EdgeFlipFlopEnergy edge = power::MeasureEdgeFlipFlops(
      run_table.design, power::ReadLiberty(spec.table.liberty), spec.table.energy);
  auto statistics_of = [&](const qat::QuantizedNetwork& network) {
    return CaptureStatistics(network, CaptureLayerInputs(network, splits.test, spec.images),
                             spec.array, table.classes(), spec.seed, 0, spec.table.pe);
  };
  auto estimate = [&](const qat::QuantizedNetwork& network) {
    const GemmWeights gemms = WeightsOf(network, spec.array);
    return EstimateOf(table, spec.array, gemms, statistics_of(network), edge)
        .Estimate(gemms.weights);
  };

  CompressResult result;
  result.measurement = table.measurement();
  result.array = spec.array;
  result.max_accuracy_drop = spec.max_accuracy_drop;
  const GemmWeights trained_gemms = WeightsOf(trained, spec.array);
  const model::NetworkEstimate trained_estimate =
      EstimateOf(table, spec.array, trained_gemms, statistics_of(trained), edge);
  result.trained_layer_energy = trained_estimate.Estimate(trained_gemms.weights);
  result.trained_energy = Total(result.trained_layer_energy);
  for (std::size_t g = 0; g < trained_gemms.layers.size(); ++g) {
    result.layer_names.push_back(
        trained.layers[static_cast<std::size_t>(trained_gemms.layers[g])].name);
    result.layer_share.push_back(result.trained_layer_energy[g].datapath /
                                 result.trained_energy.datapath);
  }
  qat::QuantizedNetwork all_zero = trained;
  for (qat::QuantLayer& layer : all_zero.layers) {
    std::fill(layer.weights.begin(), layer.weights.end(), std::int8_t{0});
  }
  result.all_zero_energy = Total(estimate(all_zero));
  const qat::IntegerEngine trained_engine(trained);
  result.trained_validation_top1 = qat::Top1(
      trained_engine.Predict(splits.validation, spec.fine_tune.threads), splits.validation);
  result.trained_test_top1 =
      qat::Top1(trained_engine.Predict(splits.test, spec.fine_tune.threads), splits.test);

  // The selections: ours per layer, pressed by each layer's energy share; the baseline one
  // set for all, from the global model's cheapest codes.
  const std::vector<std::vector<double>> counts = CodeCounts(trained);
  // Ours weighs each code's movement by its sensitivity, from training images (never test).
  const std::vector<std::vector<double>> sensitivity =
      spec.sensitivity_images > 0
          ? CodeSensitivity(trained,
                            CaptureLayerInputs(trained, splits.train, spec.sensitivity_images))
          : std::vector<std::vector<double>>(counts.size());
  const auto gemm_count = static_cast<double>(counts.size());
  std::vector<CompressPoint> points;
  std::vector<std::vector<qat::CodeMap>> maps;
  // Each layer's energy per weight value E_l(w) from the model; a layer is pressed by its
  // share of the network's energy (the energy-prioritised schedule).
  std::vector<std::vector<double>> weight_energy;
  for (std::size_t g = 0; g < counts.size(); ++g) {
    weight_energy.push_back(trained_estimate.WeightEnergy(static_cast<int>(g)));
    result.layer_pressure.push_back(gemm_count * result.layer_share[g]);
  }
  for (const double lambda : spec.energy_weights) {
    CompressPoint point{"ours", lambda, fmt::format("ours-lambda{:g}", lambda)};
    std::vector<qat::CodeMap> layer_maps;
    for (std::size_t g = 0; g < counts.size(); ++g) {
      const qat::WeightSet set =
          qat::SelectWeightSet(counts[g], weight_energy[g],
                               {.set_size = spec.set_size,
                                .energy_weight = lambda * result.layer_pressure[g],
                                .sensitivity = sensitivity[g]});
      point.sets.push_back(set.values);
      layer_maps.push_back(set.map);
    }
    points.push_back(point);
    maps.push_back(layer_maps);
  }
  const std::vector<double> global_energy = trained_estimate.WeightEnergy();
  std::vector<int> by_energy(qat::kCodes);
  std::iota(by_energy.begin(), by_energy.end(), 0);
  std::stable_sort(by_energy.begin(), by_energy.end(), [&](int a, int b) {
    return global_energy[static_cast<std::size_t>(a)] < global_energy[static_cast<std::size_t>(b)];
  });
  std::vector<double> all_counts(qat::kCodes, 0.0);
  for (const std::vector<double>& layer : counts) {
    for (int code = 0; code < qat::kCodes; ++code) {
      all_counts[static_cast<std::size_t>(code)] += layer[static_cast<std::size_t>(code)];
    }
  }
  for (const int pool : spec.baseline_pools) {
    std::vector<std::uint8_t> candidates(qat::kCodes, 0);
    for (int i = 0; i < std::min(pool, qat::kCodes); ++i) {
      candidates[static_cast<std::size_t>(by_energy[static_cast<std::size_t>(i)])] = 1;
    }
    const qat::WeightSet set = qat::SelectWeightSet(
        all_counts, global_energy, {.set_size = spec.set_size, .candidates = candidates});
    CompressPoint point{"baseline", static_cast<double>(pool),
                        fmt::format("baseline-pool{}", pool)};
    point.sets.assign(counts.size(), set.values);
    points.push_back(point);
    maps.emplace_back(counts.size(), qat::MapCodes(set.values, global_energy, 0));
  }

  Progress progress("compress", points.size(), "networks");
  for (std::size_t p = 0; p < points.size(); ++p) {
    CompressPoint& point = points[p];
    const std::string key = PointKey(spec, trained_text, point);
    const std::filesystem::path file = out / "compress" / (point.name + ".json");
    const std::vector<std::vector<std::int8_t>> sets = point.sets;
    if (!ReadPoint(file, key, point) || point.sets != sets) {
      point.sets = sets;
      const qat::FineTuneResult tuned =
          qat::FineTune(trained_spec, splits, run_dir, maps[p], spec.fine_tune);
      qat::WriteQuantizedNetwork(out / "compress" / (point.name + ".qnet.json"), tuned.network);
      point.layer_energy = estimate(tuned.network);
      point.energy = Total(point.layer_energy);
      point.validation_top1 = tuned.validation_top1;
      point.test_top1 = tuned.test_top1;
      WritePoint(file, key, point);
    }
    progress.SetStatus(fmt::format("{}: datapath -{:.1f} %, validation {:.2f} %", point.name,
                                   100 * result.Reduction(point.energy).datapath,
                                   100 * point.validation_top1));
    progress.Advance();
  }
  progress.Finish();
  result.points = std::move(points);
  const double floor = result.trained_validation_top1 - spec.max_accuracy_drop;
  result.chosen_ours = Best(result.points, "ours", floor);
  result.chosen_baseline = Best(result.points, "baseline", floor);
  if (result.chosen_ours >= 0) {
    constexpr double kEqualAccuracy = 0.003;
    result.baseline_at_equal_accuracy =
        Best(result.points, "baseline",
             result.points[static_cast<std::size_t>(result.chosen_ours)].validation_top1 -
                 kEqualAccuracy);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace powersel::flow
