// LibTorch modules for quantisation-aware training: fake quantisation with straight-through
// gradients, and the network built from an Architecture.
#pragma once

#include <torch/torch.h>

#include "powersel/qat/architecture.hpp"

namespace powersel::qat::detail {

// Rounds half to even in the forward pass and passes the gradient straight through.
torch::Tensor RoundStraightThrough(const torch::Tensor& x);

// Symmetric int8 weights in [-127, 127], one scale per output channel (or one per layer).
class WeightFakeQuantImpl : public torch::nn::Module {
 public:
  explicit WeightFakeQuantImpl(bool per_channel) : per_channel_(per_channel) {}
  // One scale per output channel: max |w| / 127 (shared by all channels per layer).
  torch::Tensor Scales(const torch::Tensor& weight) const;
  torch::Tensor forward(const torch::Tensor& weight);

  // From now on every int8 code goes to map[code + 128] (its allowed value), gradients
  // straight through; an undefined tensor switches it off.
  void SetCodeMap(torch::Tensor map) { code_map_ = std::move(map); }
  // The int8 codes of `weight` as the forward pass makes them (float tensor).
  torch::Tensor Codes(const torch::Tensor& weight) const;

 private:
  bool per_channel_;
  torch::Tensor code_map_;  // 256 floats, or undefined
};
TORCH_MODULE(WeightFakeQuant);

// uint8 activations after ReLU. The scale follows an exponential moving average of the
// batch maximum while training and is frozen in evaluation.
class ActivationFakeQuantImpl : public torch::nn::Module {
 public:
  ActivationFakeQuantImpl();
  torch::Tensor forward(const torch::Tensor& x, bool quantize);
  double Scale() const;

 private:
  torch::Tensor running_max_;
};
TORCH_MODULE(ActivationFakeQuant);

class QuantNetImpl : public torch::nn::Module {
 public:
  QuantNetImpl(const Architecture& architecture, int channels, int side, int classes,
               bool per_channel);

  // x: images scaled to [0, 1] (uint8 / 255).
  torch::Tensor forward(torch::Tensor x);

  void set_quantize(bool quantize) { quantize_.fill_(quantize ? 1 : 0); }
  bool quantize() const { return quantize_.item<int>() != 0; }

  // What the exporter needs of GEMM layer `index` (architecture order).
  struct GemmParameters {
    torch::Tensor weight;  // conv: out x in x k x k; linear: out x in
    torch::Tensor bias;
    torch::Tensor weight_scales;
    double output_scale;  // of its uint8 output (unused for the last layer)
  };
  GemmParameters Gemm(std::size_t index) const;
  // The int8 codes of GEMM layer `index` as the forward pass makes them (out x K, integers).
  torch::Tensor GemmCodes(std::size_t index) const;
  // Projects GEMM layer `index`'s codes through `map` (256 floats, code + 128) from now on.
  void SetCodeMap(std::size_t index, torch::Tensor map);
  const Architecture& architecture() const { return architecture_; }

  static constexpr double kInputScale = 1.0 / 255.0;

 private:
  Architecture architecture_;
  std::vector<torch::nn::Conv2d> convs_;  // by layer index, empty where not a conv
  std::vector<torch::nn::Linear> linears_;
  std::vector<WeightFakeQuant> weight_quants_;
  std::vector<ActivationFakeQuant> activation_quants_;
  torch::Tensor quantize_;  // a buffer, so checkpoints remember the phase
};
TORCH_MODULE(QuantNet);

}  // namespace powersel::qat::detail
