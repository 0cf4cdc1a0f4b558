// Quantisation-aware training: float training, then 8-bit fake-quantised fine-tuning, export
// of the integer network and its accuracy in the integer engine. Checkpoints every epoch and
// resumes an interrupted run. No LibTorch types in this header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "powersel/common/config.hpp"
#include "powersel/qat/architecture.hpp"
#include "powersel/qat/dataset.hpp"

namespace powersel::qat {

struct TrainSpec {
  ModelKind model = ModelKind::kLeNet5;
  DatasetSpec data;
  int float_epochs = 10;
  int qat_epochs = 2;
  int batch_size = 64;
  double learning_rate = 1e-3;
  // Float training multiplies the learning rate by lr_decay every lr_decay_every epochs.
  double lr_decay = 0.3;
  int lr_decay_every = 4;
  double qat_learning_rate = 1e-4;
  bool per_channel = true;  // int8 weight scales per output channel, else per layer
  std::uint64_t seed = 1;
  int threads = 2;
  // Train at most this many epochs now and stop (0: no limit); a later call with the same
  // configuration and directory resumes. For time-limited jobs.
  int max_epochs_this_run = 0;
};

// The `train:` section of a configuration; unknown keys and bad values are InputErrors.
TrainSpec ReadTrainSpec(const ConfigNode& section);
std::string DumpTrainSpec(const TrainSpec& spec);  // YAML, as stored with the results

struct EpochRecord {
  std::string phase;  // "float" or "qat"
  int epoch = 0;      // within the phase, from 1
  double loss = 0;
  double train_top1 = 0;
  double validation_top1 = 0;
  double images_per_s = 0;
  double seconds = 0;
};

struct TrainResult {
  std::string model;
  std::string dataset;
  std::size_t train_images = 0;
  std::size_t validation_images = 0;
  std::size_t test_images = 0;
  double float_top1 = 0;  // test split, float network
  double qat_top1 = 0;    // test split, fake-quantised network
  double int_top1 = 0;    // test split, integer engine on the exported network
  std::vector<EpochRecord> epochs;
  double seconds = 0;
  bool resumed = false;
  bool complete = false;          // false when max_epochs_this_run stopped it early
  std::filesystem::path network;  // the exported integer network
  // Test images whose top-1 class differs between the integer engine and the fake-quantised
  // network (both compute the same integers, so only a rounding tie may differ).
  std::size_t int_disagreements = 0;
};

// Trains into `out` (checkpoint/, network.qnet.json); an interrupted run in `out` resumes.
// `splits` is LoadDataset(spec.data), read by the caller before it creates anything.
TrainResult Train(const TrainSpec& spec, const DatasetSplits& splits,
                  const std::filesystem::path& out);
TrainResult Train(const TrainSpec& spec, const std::filesystem::path& out);

// train.json: model, dataset, float_top1, qat_top1, int_top1, per-epoch records, ...
nlohmann::json ToJson(const TrainResult& result);
nlohmann::json ToJson(const EpochRecord& record);
EpochRecord EpochRecordFromJson(const nlohmann::json& record);

// The LibTorch the trainer was built against ("major.minor.patch"), for reports.
std::string LibTorchVersion();

}  // namespace powersel::qat
