#include "powersel/flow/network_check.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <span>

#include "powersel/common/parallel.hpp"
#include "powersel/qat/integer_engine.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/tiling.hpp"

namespace powersel::flow {

namespace {

// Images per work item, run as one batch (a fully connected layer then streams one row per
// image through each weight tile instead of one): enough that loading weights and building a
// Verilated model per item cost little, few enough that two threads share the tail.
constexpr std::size_t kImagesPerChunk = 100;

// Images of a stacked batch (equal rows each) whose rows differ between the two matrices.
std::uint64_t DifferingImages(const Matrix<std::uint8_t>& expected,
                              const Matrix<std::uint8_t>& actual, std::size_t images) {
  if (expected.rows() != actual.rows() || expected.cols() != actual.cols()) {
    return images;
  }
  const std::size_t per_image = expected.values().size() / images;
  std::uint64_t differing = 0;
  for (std::size_t image = 0; image < images; ++image) {
    const auto begin = static_cast<std::ptrdiff_t>(image * per_image);
    differing +=
        std::equal(expected.values().begin() + begin,
                   expected.values().begin() + begin + static_cast<std::ptrdiff_t>(per_image),
                   actual.values().begin() + begin)
            ? 0
            : 1;
  }
  return differing;
}

}  // namespace

NetworkRtlCheck CheckNetworkOnRtl(const qat::QuantizedNetwork& network,
                                  const qat::ImageDataset& dataset, std::size_t images,
                                  tb::ArrayShape array, int threads, const power::PeFeatures& pe) {
  qat::CheckInputShape(network, dataset);
  const tb::HarnessOptions rtl_array = power::RtlArrayOptions(array, pe);
  tb::CheckHarnessOptions(rtl_array);
  const auto start = std::chrono::steady_clock::now();
  const qat::IntegerEngine engine(network, array);
  NetworkRtlCheck check{std::min(images, dataset.size()), array, 0, 0, {}, 0};
  check.predicted.assign(check.images, -1);
  std::atomic<std::uint64_t> gemm_layers = 0;
  std::atomic<std::uint64_t> mismatches = 0;
  const std::size_t chunks = (check.images + kImagesPerChunk - 1) / kImagesPerChunk;
  ParallelFor(chunks, threads, [&](std::size_t chunk) {
    tb::Harness harness(rtl_array);
    const qat::GemmBackend rtl = [&](const Matrix<std::uint8_t>& activations,
                                     const Matrix<std::int8_t>& weights) {
      return tb::RunTiledGemm(harness, activations, weights);
    };
    const std::size_t first = chunk * kImagesPerChunk;
    const std::size_t end = std::min(check.images, first + kImagesPerChunk);
    std::vector<std::span<const std::uint8_t>> batch;
    for (std::size_t image = first; image < end; ++image) {
      batch.push_back(dataset.Image(image));
    }
    std::vector<Matrix<std::uint8_t>> software_inputs;
    std::vector<Matrix<std::uint8_t>> rtl_inputs;
    const std::vector<qat::Inference> software = engine.RunBatch(
        batch, qat::SoftwareArrayGemm(array),
        [&](std::size_t, const Matrix<std::uint8_t>& a) { software_inputs.push_back(a); });
    const std::vector<qat::Inference> on_rtl = engine.RunBatch(
        batch, rtl, [&](std::size_t, const Matrix<std::uint8_t>& a) { rtl_inputs.push_back(a); });
    // Layer l's input is layer l-1's output; the logits close the chain.
    for (std::size_t layer = 0; layer < software_inputs.size(); ++layer) {
      gemm_layers += batch.size();
      mismatches += DifferingImages(software_inputs[layer], rtl_inputs[layer], batch.size());
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      mismatches += software[i].logits == on_rtl[i].logits ? 0 : 1;
      check.predicted[first + i] = on_rtl[i].predicted;
    }
  });
  check.gemm_layers = gemm_layers;
  check.mismatches = mismatches;
  check.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return check;
}

nlohmann::json ToJson(const NetworkRtlCheck& check) {
  return {{"images", check.images},         {"rows", check.array.rows},
          {"cols", check.array.cols},       {"gemm_layers", check.gemm_layers},
          {"mismatches", check.mismatches}, {"passed", check.passed()}};
}

}  // namespace powersel::flow
