#include "training_loop.hpp"

#include <fmt/format.h>

#include <chrono>

#include "powersel/common/progress.hpp"
#include "powersel/qat/integer_engine.hpp"

namespace powersel::qat::detail {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kEvaluationBatch = 1000;

}  // namespace

// The predicted class of every image of `data`.
std::vector<int> Predict(QuantNet& model, const ImageTensorDataset& data) {
  torch::NoGradGuard no_grad;
  model->eval();
  const torch::Tensor images = data.images();
  std::vector<int> predicted;
  predicted.reserve(static_cast<std::size_t>(images.size(0)));
  for (std::int64_t first = 0; first < images.size(0); first += kEvaluationBatch) {
    const std::int64_t last = std::min<std::int64_t>(first + kEvaluationBatch, images.size(0));
    const torch::Tensor batch =
        model->forward(images.slice(0, first, last)).argmax(1).to(torch::kInt64);
    const auto classes = batch.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < classes.size(0); ++i) {
      predicted.push_back(static_cast<int>(classes[i]));
    }
  }
  return predicted;
}

double Evaluate(QuantNet& model, const ImageTensorDataset& data, const ImageDataset& labelled) {
  return Top1(Predict(model, data), labelled);
}

void SetLearningRate(torch::optim::Optimizer& optimizer, double rate) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(rate);
  }
}

EpochRecord TrainEpoch(QuantNet& model, torch::optim::Optimizer& optimizer,
                       ImageTensorDataset& train, const TrainSpec& spec, const std::string& phase,
                       int epoch, int global_epoch) {
  model->train();
  // Every epoch's order comes from the seed and its number alone, so a resumed run sees the
  // same batches as an uninterrupted one.
  torch::manual_seed(spec.seed * 1000 + static_cast<std::uint64_t>(global_epoch));
  auto loader = torch::data::make_data_loader<torch::data::samplers::RandomSampler>(
      train.map(torch::data::transforms::Stack<>()),
      torch::data::DataLoaderOptions().batch_size(static_cast<std::size_t>(spec.batch_size)));
  const std::size_t images = *train.size();
  Progress progress(fmt::format("{} epoch {}", phase, epoch), images, "images");
  const auto start = Clock::now();
  double loss_sum = 0;
  std::int64_t correct = 0;
  std::int64_t seen = 0;
  for (auto& batch : *loader) {
    optimizer.zero_grad();
    const torch::Tensor output = model->forward(batch.data);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(output, batch.target);
    loss.backward();
    optimizer.step();
    const std::int64_t batch_size = batch.data.size(0);
    loss_sum += loss.item<double>() * static_cast<double>(batch_size);
    correct += output.argmax(1).eq(batch.target).sum().item<std::int64_t>();
    seen += batch_size;
    progress.SetStatus(
        fmt::format("loss {:.3f} acc {:.1f}%", loss_sum / static_cast<double>(seen),
                    100.0 * static_cast<double>(correct) / static_cast<double>(seen)));
    progress.Advance(static_cast<std::uint64_t>(batch_size));
  }
  progress.Finish();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return {phase,
          epoch,
          loss_sum / static_cast<double>(seen),
          static_cast<double>(correct) / static_cast<double>(seen),
          0.0,
          static_cast<double>(seen) / seconds,
          seconds};
}

}  // namespace powersel::qat::detail
