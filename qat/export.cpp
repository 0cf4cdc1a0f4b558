#include "export.hpp"

namespace powersel::qat::detail {

QuantizedNetwork ExportNetwork(QuantNet& model, int channels, int side, int classes,
                               const std::string& dataset) {
  torch::NoGradGuard no_grad;
  QuantizedNetwork network = Shapes(model->architecture(), channels, side, side, classes);
  network.dataset = dataset;
  network.input_scale = static_cast<float>(QuantNetImpl::kInputScale);
  double input_scale = QuantNetImpl::kInputScale;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    QuantLayer& layer = network.layers[i];
    if (!layer.IsGemm()) {
      continue;
    }
    const QuantNetImpl::GemmParameters gemm = model->Gemm(i);
    const std::int64_t outputs = gemm.weight.size(0);
    // The same tensor operations as the fake-quantised forward pass, so the integers match.
    const torch::Tensor weight_q = model->GemmCodes(i).to(torch::kInt8).contiguous();
    const torch::Tensor bias_q =
        torch::round(gemm.bias / (gemm.weight_scales * input_scale)).to(torch::kInt32).contiguous();
    const torch::Tensor scales = gemm.weight_scales.to(torch::kFloat32).contiguous();
    layer.weights.assign(weight_q.data_ptr<std::int8_t>(),
                         weight_q.data_ptr<std::int8_t>() + weight_q.numel());
    layer.bias.assign(bias_q.data_ptr<std::int32_t>(), bias_q.data_ptr<std::int32_t>() + outputs);
    layer.weight_scales.assign(scales.data_ptr<float>(), scales.data_ptr<float>() + outputs);
    layer.input_scale = static_cast<float>(input_scale);
    layer.output_scale = static_cast<float>(gemm.output_scale);
    if (layer.relu) {
      input_scale = gemm.output_scale;
    }
  }
  return network;
}

}  // namespace powersel::qat::detail
