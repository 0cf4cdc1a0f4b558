// The pieces of a training loop that training and fine-tuning share (private to qat/).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "powersel/qat/train.hpp"
#include "quant_net.hpp"
#include "torch_dataset.hpp"

namespace powersel::qat::detail {

// The predicted class of every image of `data` (evaluation mode, no gradients).
std::vector<int> Predict(QuantNet& model, const ImageTensorDataset& data);
double Evaluate(QuantNet& model, const ImageTensorDataset& data, const ImageDataset& labelled);

void SetLearningRate(torch::optim::Optimizer& optimizer, double rate);

// One epoch over `train` in an order fixed by spec.seed and `global_epoch` alone, with
// progress on the terminal; the record's validation_top1 is left to the caller.
EpochRecord TrainEpoch(QuantNet& model, torch::optim::Optimizer& optimizer,
                       ImageTensorDataset& train, const TrainSpec& spec, const std::string& phase,
                       int epoch, int global_epoch);

// The network a complete `train` run into `run_dir` ended with (its last checkpoint), built
// for `spec`, which must be the run's configuration. InputError otherwise.
QuantNet LoadTrainedModel(const TrainSpec& spec, const DatasetSplits& splits,
                          const std::filesystem::path& run_dir);

}  // namespace powersel::qat::detail
