#include <fmt/format.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "export.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/progress.hpp"
#include "powersel/qat/integer_engine.hpp"
#include "powersel/qat/train.hpp"
#include "quant_net.hpp"
#include "torch_dataset.hpp"
#include "training_loop.hpp"

namespace powersel::qat {

namespace {

using Clock = std::chrono::steady_clock;
using detail::Evaluate;
using detail::Predict;
using detail::SetLearningRate;
using detail::TrainEpoch;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// What an interrupted run has finished: read from and written to checkpoint/state.json
// beside the model and optimizer. The configuration text must match to resume.
struct Checkpoint {
  std::filesystem::path dir;
  std::string config;
  std::vector<EpochRecord> epochs;
  double float_top1 = -1;

  std::filesystem::path ModelFile() const {
    return dir / fmt::format("model-{}.pt", epochs.size());
  }
  std::filesystem::path OptimizerFile() const {
    return dir / fmt::format("optimizer-{}.pt", epochs.size());
  }

  bool Load() {
    std::ifstream in(dir / "state.json");
    if (!in) {
      return false;
    }
    nlohmann::json state;
    try {
      in >> state;
    } catch (const nlohmann::json::exception&) {
      throw InputError((dir / "state.json").string(), "", "corrupt checkpoint state");
    }
    if (state.value("config", "") != config) {
      throw InputError((dir / "state.json").string(), "config",
                       "the checkpoint belongs to another configuration; use another --out "
                       "or remove it");
    }
    try {
      float_top1 = state.value("float_top1", -1.0);
      for (const auto& record : state.at("epochs")) {
        epochs.push_back(EpochRecordFromJson(record));
      }
    } catch (const nlohmann::json::exception&) {
      throw InputError((dir / "state.json").string(), "epochs", "corrupt checkpoint state");
    }
    return true;
  }

  // Model and optimizer under the epoch count first, then the state that names them: an
  // interruption anywhere leaves the previous epoch's complete set in place.
  void Save(detail::QuantNet& model, torch::optim::Optimizer& optimizer) const {
    torch::save(model, ModelFile().string() + ".tmp");
    torch::save(optimizer, OptimizerFile().string() + ".tmp");
    std::filesystem::rename(ModelFile().string() + ".tmp", ModelFile());
    std::filesystem::rename(OptimizerFile().string() + ".tmp", OptimizerFile());
    nlohmann::json records = nlohmann::json::array();
    for (const EpochRecord& record : epochs) {
      records.push_back(ToJson(record));
    }
    WriteJsonAtomically(dir / "state.json",
                        {{"config", config}, {"float_top1", float_top1}, {"epochs", records}});
    if (!epochs.empty()) {
      std::filesystem::remove(dir / fmt::format("model-{}.pt", epochs.size() - 1));
      std::filesystem::remove(dir / fmt::format("optimizer-{}.pt", epochs.size() - 1));
    }
  }

  int Done(const std::string& phase) const {
    return static_cast<int>(std::count_if(epochs.begin(), epochs.end(),
                                          [&](const EpochRecord& r) { return r.phase == phase; }));
  }
};

}  // namespace

namespace detail {

QuantNet LoadTrainedModel(const TrainSpec& spec, const DatasetSplits& splits,
                          const std::filesystem::path& run_dir) {
  Checkpoint checkpoint{run_dir / "checkpoint", DumpTrainSpec(spec), {}, -1};
  if (!checkpoint.Load() || checkpoint.Done("float") < spec.float_epochs ||
      checkpoint.Done("qat") < spec.qat_epochs) {
    throw InputError((checkpoint.dir / "state.json").string(), "epochs",
                     "expected a complete train run (every float and QAT epoch)");
  }
  const int classes = 10;
  QuantNet model(MakeArchitecture(spec.model, splits.train.channels, splits.train.height, classes),
                 splits.train.channels, splits.train.height, classes, spec.per_channel);
  torch::load(model, checkpoint.ModelFile().string());
  return model;
}

}  // namespace detail

TrainResult Train(const TrainSpec& spec, const std::filesystem::path& out) {
  return Train(spec, LoadDataset(spec.data), out);
}

TrainResult Train(const TrainSpec& spec, const DatasetSplits& splits,
                  const std::filesystem::path& out) {
  const auto start = Clock::now();
  torch::set_num_threads(spec.threads);
  torch::manual_seed(spec.seed);
  const int classes = 10;
  const int side = splits.train.height;
  detail::QuantNet model(MakeArchitecture(spec.model, splits.train.channels, side, classes),
                         splits.train.channels, side, classes, spec.per_channel);
  detail::ImageTensorDataset train(splits.train);
  const detail::ImageTensorDataset validation(splits.validation);
  const detail::ImageTensorDataset test(splits.test);

  Checkpoint checkpoint{out / "checkpoint", DumpTrainSpec(spec), {}, -1};
  EnsureOutputDirectory(checkpoint.dir, "--out");
  TrainResult result;
  result.resumed = checkpoint.Load();
  const int float_done = checkpoint.Done("float");
  const int qat_done = checkpoint.Done("qat");
  const bool in_qat = qat_done > 0 || (float_done == spec.float_epochs && result.resumed);
  auto optimizer = std::make_unique<torch::optim::Adam>(
      model->parameters(),
      torch::optim::AdamOptions(in_qat ? spec.qat_learning_rate : spec.learning_rate));
  if (result.resumed) {
    torch::load(model, checkpoint.ModelFile().string());
    torch::load(*optimizer, checkpoint.OptimizerFile().string());
  }

  int global_epoch = float_done + qat_done;
  int epochs_left = spec.max_epochs_this_run > 0 ? spec.max_epochs_this_run : -1;
  auto out_of_epochs = [&] { return epochs_left == 0; };
  result.model = ModelName(spec.model);
  result.dataset = DatasetName(spec.data.kind);
  result.train_images = splits.train.size();
  result.validation_images = splits.validation.size();
  result.test_images = splits.test.size();
  for (int epoch = float_done + 1; epoch <= spec.float_epochs && !out_of_epochs(); ++epoch) {
    --epochs_left;
    // A step schedule from the epoch number alone, so that a resumed run follows it too.
    SetLearningRate(*optimizer, spec.learning_rate *
                                    std::pow(spec.lr_decay, (epoch - 1) / spec.lr_decay_every));
    EpochRecord record = TrainEpoch(model, *optimizer, train, spec, "float", epoch, ++global_epoch);
    record.validation_top1 = Evaluate(model, validation, splits.validation);
    checkpoint.epochs.push_back(record);
    checkpoint.Save(model, *optimizer);
  }
  if (checkpoint.Done("float") < spec.float_epochs) {
    result.epochs = checkpoint.epochs;
    result.seconds = Seconds(start);
    return result;  // stopped early; a later call resumes
  }
  if (checkpoint.float_top1 < 0) {
    checkpoint.float_top1 = Evaluate(model, test, splits.test);
    checkpoint.Save(model, *optimizer);
  }

  model->set_quantize(true);
  if (qat_done == 0 && spec.qat_epochs > 0) {
    // Fine-tuning starts afresh with a smaller step.
    optimizer = std::make_unique<torch::optim::Adam>(
        model->parameters(), torch::optim::AdamOptions(spec.qat_learning_rate));
  }
  for (int epoch = qat_done + 1; epoch <= spec.qat_epochs && !out_of_epochs(); ++epoch) {
    --epochs_left;
    EpochRecord record = TrainEpoch(model, *optimizer, train, spec, "qat", epoch, ++global_epoch);
    record.validation_top1 = Evaluate(model, validation, splits.validation);
    checkpoint.epochs.push_back(record);
    checkpoint.Save(model, *optimizer);
  }

  result.epochs = checkpoint.epochs;
  if (checkpoint.Done("qat") < spec.qat_epochs) {
    result.seconds = Seconds(start);
    return result;
  }
  result.complete = true;
  result.float_top1 = checkpoint.float_top1;
  const std::vector<int> fake_quantised = Predict(model, test);
  result.qat_top1 = Top1(fake_quantised, splits.test);

  result.network = out / "network.qnet.json";
  const QuantizedNetwork network =
      detail::ExportNetwork(model, splits.train.channels, side, classes, result.dataset);
  WriteQuantizedNetwork(result.network, network);
  const std::vector<int> integer = IntegerEngine(network).Predict(splits.test, spec.threads);
  result.int_top1 = Top1(integer, splits.test);
  for (std::size_t i = 0; i < integer.size(); ++i) {
    result.int_disagreements += integer[i] != fake_quantised[i] ? 1 : 0;
  }
  result.seconds = Seconds(start);
  return result;
}

std::string LibTorchVersion() {
  return fmt::format("{}.{}.{}", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR, TORCH_VERSION_PATCH);
}

}  // namespace powersel::qat
