#include "quant_net.hpp"

namespace powersel::qat::detail {

namespace {

constexpr double kWeightLevels = 127.0;
constexpr double kActivationLevels = 255.0;
// Weight of the newest batch maximum in the running activation range.
constexpr double kObserverMomentum = 0.1;

}  // namespace

torch::Tensor RoundStraightThrough(const torch::Tensor& x) {
  return x + (torch::round(x) - x).detach();
}

torch::Tensor WeightFakeQuantImpl::Scales(const torch::Tensor& weight) const {
  const torch::Tensor flat = weight.detach().abs().reshape({weight.size(0), -1});
  torch::Tensor max = per_channel_ ? std::get<0>(flat.max(1)) : flat.max().expand({weight.size(0)});
  return torch::clamp_min(max, 1e-8) / kWeightLevels;
}

namespace {

torch::Tensor ScalesLike(const WeightFakeQuantImpl& quant, const torch::Tensor& weight) {
  std::vector<std::int64_t> shape(static_cast<std::size_t>(weight.dim()), 1);
  shape[0] = weight.size(0);
  return quant.Scales(weight).reshape(shape);
}

}  // namespace

torch::Tensor WeightFakeQuantImpl::forward(const torch::Tensor& weight) {
  const torch::Tensor scales = ScalesLike(*this, weight);
  torch::Tensor codes =
      torch::clamp(RoundStraightThrough(weight / scales), -kWeightLevels, kWeightLevels);
  if (code_map_.defined()) {
    // round(): the straight-through codes may sit a rounding error off their integer.
    const torch::Tensor allowed =
        code_map_.index({(torch::round(codes.detach()) + 128).to(torch::kLong)});
    codes = codes + (allowed - codes).detach();
  }
  return codes * scales;
}

torch::Tensor WeightFakeQuantImpl::Codes(const torch::Tensor& weight) const {
  torch::NoGradGuard no_grad;
  const torch::Tensor codes =
      torch::clamp(torch::round(weight / ScalesLike(*this, weight)), -kWeightLevels, kWeightLevels);
  return code_map_.defined() ? code_map_.index({(codes + 128).to(torch::kLong)}) : codes;
}

ActivationFakeQuantImpl::ActivationFakeQuantImpl() {
  running_max_ = register_buffer("running_max", torch::full({1}, -1.0));
}

torch::Tensor ActivationFakeQuantImpl::forward(const torch::Tensor& x, bool quantize) {
  if (is_training()) {
    torch::NoGradGuard no_grad;
    const double batch_max = x.detach().max().item<double>();
    const double previous = running_max_.item<double>();
    running_max_.fill_(previous < 0
                           ? batch_max
                           : (1 - kObserverMomentum) * previous + kObserverMomentum * batch_max);
  }
  if (!quantize) {
    return x;
  }
  return torch::fake_quantize_per_tensor_affine(x, Scale(), 0, 0,
                                                static_cast<std::int64_t>(kActivationLevels));
}

double ActivationFakeQuantImpl::Scale() const {
  return std::max(running_max_.item<double>(), 1e-6) / kActivationLevels;
}

QuantNetImpl::QuantNetImpl(const Architecture& architecture, int channels, int side, int classes,
                           bool per_channel)
    : architecture_(architecture) {
  const QuantizedNetwork shapes = Shapes(architecture, channels, side, side, classes);
  for (std::size_t i = 0; i < architecture.layers.size(); ++i) {
    const LayerDef& def = architecture.layers[i];
    const QuantLayer& shape = shapes.layers[i];
    convs_.emplace_back(nullptr);
    linears_.emplace_back(nullptr);
    weight_quants_.emplace_back(nullptr);
    activation_quants_.emplace_back(nullptr);
    if (def.kind == LayerKind::kConv) {
      convs_[i] = register_module(
          def.name, torch::nn::Conv2d(
                        torch::nn::Conv2dOptions(shape.in_channels, def.out_channels, def.kernel)
                            .padding(def.padding)));
    } else if (def.kind == LayerKind::kLinear) {
      linears_[i] =
          register_module(def.name, torch::nn::Linear(shape.in_channels, def.out_channels));
    } else {
      continue;
    }
    weight_quants_[i] = register_module(def.name + "_weight_quant", WeightFakeQuant(per_channel));
    activation_quants_[i] = register_module(def.name + "_act_quant", ActivationFakeQuant());
  }
  quantize_ = register_buffer("quantize", torch::zeros({1}, torch::kInt32));
}

torch::Tensor QuantNetImpl::forward(torch::Tensor x) {
  const bool quantize = this->quantize();
  double input_scale = kInputScale;
  for (std::size_t i = 0; i < architecture_.layers.size(); ++i) {
    const LayerDef& def = architecture_.layers[i];
    if (def.kind == LayerKind::kMaxPool) {
      x = torch::max_pool2d(x, def.kernel);
      continue;
    }
    if (def.kind == LayerKind::kFlatten) {
      x = x.flatten(1);
      continue;
    }
    const bool conv = def.kind == LayerKind::kConv;
    torch::Tensor weight = conv ? convs_[i]->weight : linears_[i]->weight;
    torch::Tensor bias = conv ? convs_[i]->bias : linears_[i]->bias;
    if (quantize) {
      // int32 bias in units of input scale x weight scale, as the integer engine adds it.
      const torch::Tensor bias_scales = weight_quants_[i]->Scales(weight) * input_scale;
      bias = RoundStraightThrough(bias / bias_scales) * bias_scales;
      weight = weight_quants_[i]->forward(weight);
    }
    x = conv ? torch::conv2d(x, weight, bias, 1, def.padding) : torch::linear(x, weight, bias);
    if (def.relu) {
      x = activation_quants_[i]->forward(torch::relu(x), quantize);
      input_scale = activation_quants_[i]->Scale();
    }
  }
  return x;
}

torch::Tensor QuantNetImpl::GemmCodes(std::size_t index) const {
  const bool conv = architecture_.layers[index].kind == LayerKind::kConv;
  const torch::Tensor weight = (conv ? convs_[index]->weight : linears_[index]->weight).detach();
  return weight_quants_[index]->Codes(weight).reshape({weight.size(0), -1});
}

void QuantNetImpl::SetCodeMap(std::size_t index, torch::Tensor map) {
  weight_quants_.at(index)->SetCodeMap(std::move(map));
}

QuantNetImpl::GemmParameters QuantNetImpl::Gemm(std::size_t index) const {
  const bool conv = architecture_.layers[index].kind == LayerKind::kConv;
  const torch::Tensor weight = (conv ? convs_[index]->weight : linears_[index]->weight).detach();
  const torch::Tensor bias = (conv ? convs_[index]->bias : linears_[index]->bias).detach();
  return {weight, bias, weight_quants_[index]->Scales(weight), activation_quants_[index]->Scale()};
}

}  // namespace powersel::qat::detail
