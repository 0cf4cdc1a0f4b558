#include "powersel/qat/fine_tune.hpp"

#include <chrono>
#include <stdexcept>

#include "export.hpp"
#include "powersel/qat/integer_engine.hpp"
#include "training_loop.hpp"

namespace powersel::qat {

namespace {

constexpr int kClasses = 10;

std::vector<std::size_t> GemmLayers(const detail::QuantNet& model) {
  std::vector<std::size_t> layers;
  for (std::size_t i = 0; i < model->architecture().layers.size(); ++i) {
    const LayerKind kind = model->architecture().layers[i].kind;
    if (kind == LayerKind::kConv || kind == LayerKind::kLinear) {
      layers.push_back(i);
    }
  }
  return layers;
}

}  // namespace

std::vector<std::vector<std::int8_t>> TrainedCodes(const TrainSpec& trained,
                                                   const DatasetSplits& splits,
                                                   const std::filesystem::path& run_dir) {
  detail::QuantNet model = detail::LoadTrainedModel(trained, splits, run_dir);
  std::vector<std::vector<std::int8_t>> codes;
  for (const std::size_t layer : GemmLayers(model)) {
    const torch::Tensor layer_codes = model->GemmCodes(layer).to(torch::kInt8).contiguous();
    codes.emplace_back(layer_codes.data_ptr<std::int8_t>(),
                       layer_codes.data_ptr<std::int8_t>() + layer_codes.numel());
  }
  return codes;
}

FineTuneResult FineTune(const TrainSpec& trained, const DatasetSplits& splits,
                        const std::filesystem::path& run_dir, const std::vector<CodeMap>& maps,
                        const FineTuneSpec& spec) {
  const auto start = std::chrono::steady_clock::now();
  torch::set_num_threads(spec.threads);
  torch::manual_seed(spec.seed);
  detail::QuantNet model = detail::LoadTrainedModel(trained, splits, run_dir);
  const std::vector<std::size_t> gemms = GemmLayers(model);
  if (maps.size() != gemms.size()) {
    throw std::invalid_argument("FineTune: one code map per GEMM layer");
  }
  for (std::size_t g = 0; g < gemms.size(); ++g) {
    std::vector<float> values(maps[g].begin(), maps[g].end());
    model->SetCodeMap(gemms[g], torch::tensor(values));
  }
  detail::ImageTensorDataset train(splits.train);
  const detail::ImageTensorDataset validation(splits.validation);
  TrainSpec epoch_spec = trained;
  epoch_spec.seed = spec.seed;
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(spec.learning_rate));
  for (int epoch = 1; epoch <= spec.epochs; ++epoch) {
    detail::TrainEpoch(model, optimizer, train, epoch_spec, "fine-tune", epoch, epoch);
  }

  FineTuneResult result;
  result.network = detail::ExportNetwork(model, splits.train.channels, splits.train.height,
                                         kClasses, DatasetName(trained.data.kind));
  const IntegerEngine engine(result.network);
  result.validation_top1 = Top1(engine.Predict(splits.validation, spec.threads), splits.validation);
  result.test_top1 = Top1(engine.Predict(splits.test, spec.threads), splits.test);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace powersel::qat
