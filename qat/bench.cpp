#include "powersel/qat/bench.hpp"

#include <chrono>

#include "quant_net.hpp"

namespace powersel::qat {

namespace {

constexpr int kSide = 28;
constexpr int kClasses = 10;

double TimeSteps(detail::QuantNet& model, torch::optim::Optimizer& optimizer,
                 const torch::Tensor& images, const torch::Tensor& labels, int steps, int warmup) {
  auto step = [&] {
    optimizer.zero_grad();
    const torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(images), labels);
    loss.backward();
    optimizer.step();
  };
  for (int i = 0; i < warmup; ++i) {
    step();
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) {
    step();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(steps) * static_cast<double>(images.size(0)) / seconds;
}

}  // namespace

QatBenchResult BenchmarkTraining(ModelKind kind, int batch, int steps, int warmup, int threads,
                                 std::uint64_t seed) {
  torch::set_num_threads(threads);
  torch::manual_seed(seed);
  detail::QuantNet model(MakeArchitecture(kind, 1, kSide, kClasses), 1, kSide, kClasses, true);
  model->train();
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
  const torch::Tensor images = torch::rand({batch, 1, kSide, kSide});
  const torch::Tensor labels = torch::randint(0, kClasses, {batch}, torch::kInt64);
  QatBenchResult result;
  result.float_images_per_s = TimeSteps(model, optimizer, images, labels, steps, warmup);
  model->set_quantize(true);
  result.qat_images_per_s = TimeSteps(model, optimizer, images, labels, steps, warmup);
  return result;
}

}  // namespace powersel::qat
