#include "powersel/flow/network_check.hpp"

#include <nlohmann/json.hpp>

#include "powersel/qat/integer_engine.hpp"
#include "powersel/tb/harness.hpp"
#include "powersel/tb/tiling.hpp"

namespace powersel::flow {

NetworkRtlCheck CheckNetworkOnRtl(const qat::QuantizedNetwork& network,
                                  const qat::ImageDataset& dataset, std::size_t images,
                                  tb::ArrayShape array) {
  qat::CheckInputShape(network, dataset);
  const qat::IntegerEngine engine(network, array);
  tb::Harness harness({.shape = array});
  const qat::GemmBackend rtl = [&](const Matrix<std::uint8_t>& activations,
                                   const Matrix<std::int8_t>& weights) {
    return tb::RunTiledGemm(harness, activations, weights);
  };
  NetworkRtlCheck check{std::min(images, dataset.size()), array, 0, 0};
  for (std::size_t image = 0; image < check.images; ++image) {
    std::vector<Matrix<std::uint8_t>> software_inputs;
    std::vector<Matrix<std::uint8_t>> rtl_inputs;
    const qat::Inference software = engine.Run(
        dataset.Image(image),
        [&](std::size_t, const Matrix<std::uint8_t>& a) { software_inputs.push_back(a); });
    const qat::Inference on_rtl =
        engine.Run(dataset.Image(image), rtl,
                   [&](std::size_t, const Matrix<std::uint8_t>& a) { rtl_inputs.push_back(a); });
    // Layer l's input is layer l-1's output; the logits close the chain.
    for (std::size_t layer = 0; layer < software_inputs.size(); ++layer) {
      ++check.gemm_layers;
      check.mismatches += software_inputs[layer] == rtl_inputs[layer] ? 0 : 1;
    }
    check.mismatches += software.logits == on_rtl.logits ? 0 : 1;
  }
  return check;
}

nlohmann::json ToJson(const NetworkRtlCheck& check) {
  return {{"images", check.images},         {"rows", check.array.rows},
          {"cols", check.array.cols},       {"gemm_layers", check.gemm_layers},
          {"mismatches", check.mismatches}, {"passed", check.passed()}};
}

}  // namespace powersel::flow
