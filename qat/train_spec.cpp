#include <fmt/format.h>

#include "powersel/common/errors.hpp"
#include "powersel/qat/train.hpp"

namespace powersel::qat {

namespace {

ModelKind ParseModel(const ConfigNode& section, ModelKind fallback) {
  const std::string name = section.String("model", ModelName(fallback));
  for (const ModelKind kind : {ModelKind::kLeNet5, ModelKind::kSmallVgg}) {
    if (name == ModelName(kind)) {
      return kind;
    }
  }
  throw InputError(section.file(), section.FieldPath("model"),
                   "expected lenet5 or vgg-small, got '" + name + "'");
}

DatasetKind ParseDataset(const ConfigNode& section, DatasetKind fallback) {
  const std::string name = section.String("dataset", DatasetName(fallback));
  if (const std::optional<DatasetKind> kind = FindDataset(name)) {
    return *kind;
  }
  throw InputError(section.file(), section.FieldPath("dataset"),
                   "expected fashion-mnist, mnist or cifar10, got '" + name + "'");
}

}  // namespace

TrainSpec ReadTrainSpec(const ConfigNode& section) {
  section.ExpectOnly({"model", "dataset", "data_dir", "validation_size", "train_limit",
                      "test_limit", "float_epochs", "qat_epochs", "batch_size", "learning_rate",
                      "lr_decay", "lr_decay_every", "max_epochs_this_run", "qat_learning_rate",
                      "per_channel", "seed", "threads"});
  TrainSpec spec;
  spec.model = ParseModel(section, spec.model);
  spec.data.kind = ParseDataset(section, spec.data.kind);
  spec.data.dir = section.String("data_dir", "");
  spec.data.validation_size = static_cast<std::size_t>(section.Int(
      "validation_size", static_cast<std::int64_t>(spec.data.validation_size), 0, 1'000'000));
  spec.data.train_limit = static_cast<std::size_t>(section.Int("train_limit", 0, 0, 100'000'000));
  spec.data.test_limit = static_cast<std::size_t>(section.Int("test_limit", 0, 0, 100'000'000));
  spec.float_epochs = static_cast<int>(section.Int("float_epochs", spec.float_epochs, 0, 1000));
  spec.qat_epochs = static_cast<int>(section.Int("qat_epochs", spec.qat_epochs, 0, 1000));
  spec.batch_size = static_cast<int>(section.Int("batch_size", spec.batch_size, 1, 65536));
  spec.learning_rate = section.Double("learning_rate", spec.learning_rate, 1e-9, 10);
  spec.qat_learning_rate = section.Double("qat_learning_rate", spec.qat_learning_rate, 1e-9, 10);
  spec.lr_decay = section.Double("lr_decay", spec.lr_decay, 1e-6, 1);
  spec.lr_decay_every =
      static_cast<int>(section.Int("lr_decay_every", spec.lr_decay_every, 1, 1000));
  spec.max_epochs_this_run =
      static_cast<int>(section.Int("max_epochs_this_run", spec.max_epochs_this_run, 0, 1000));
  spec.per_channel = section.Bool("per_channel", spec.per_channel);
  spec.seed = static_cast<std::uint64_t>(section.Int("seed", 1, 0, INT64_MAX));
  spec.data.seed = spec.seed;
  spec.threads = static_cast<int>(section.Int("threads", spec.threads, 1, 1024));
  return spec;
}

std::string DumpTrainSpec(const TrainSpec& spec) {
  return fmt::format(
      "train:\n  model: {}\n  dataset: {}\n  data_dir: {}\n  validation_size: {}\n"
      "  train_limit: {}\n  test_limit: {}\n  float_epochs: {}\n  qat_epochs: {}\n"
      "  batch_size: {}\n  learning_rate: {}\n  lr_decay: {}\n  lr_decay_every: {}\n"
      "  qat_learning_rate: {}\n  per_channel: {}\n  seed: {}\n  threads: {}\n",
      ModelName(spec.model), DatasetName(spec.data.kind), YamlQuoted(spec.data.dir.string()),
      spec.data.validation_size, spec.data.train_limit, spec.data.test_limit, spec.float_epochs,
      spec.qat_epochs, spec.batch_size, spec.learning_rate, spec.lr_decay, spec.lr_decay_every,
      spec.qat_learning_rate, spec.per_channel, spec.seed, spec.threads);
}

}  // namespace powersel::qat
