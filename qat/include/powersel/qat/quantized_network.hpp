// The exported quantized network: int8 weights, per-channel scales, int32 biases and layer
// shapes, in a documented, checksummed JSON file (format "powersel-qnet", version 1).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace powersel::qat {

enum class LayerKind { kConv, kLinear, kMaxPool, kFlatten };

struct QuantLayer {
  LayerKind kind = LayerKind::kConv;
  std::string name;
  // Shapes: what the layer takes in and gives out (C x H x W; linear layers use C only).
  int in_channels = 0, in_height = 1, in_width = 1;
  int out_channels = 0, out_height = 1, out_width = 1;
  // Convolution geometry (kernel = stride = window for max pooling).
  int kernel = 1, stride = 1, padding = 0;

  // Convolution and linear layers only. weights: out_channels rows of K = in_channels *
  // kernel * kernel values, ordered (c, ky, kx) as im2col lays them out.
  std::vector<std::int8_t> weights;
  std::vector<float> weight_scales;  // per output channel
  std::vector<std::int32_t> bias;    // per output channel, in input_scale * weight_scale units
  float input_scale = 1.0F;          // of the uint8 input activations
  // Output: ReLU then uint8 at output_scale, except for the last layer, whose
  // input_scale * weight_scale * (acc + bias) are the logits.
  bool relu = true;
  float output_scale = 1.0F;

  int GemmK() const { return in_channels * kernel * kernel; }
  bool IsGemm() const { return kind == LayerKind::kConv || kind == LayerKind::kLinear; }
};

struct QuantizedNetwork {
  std::string model;
  std::string dataset;
  int input_channels = 1, input_height = 28, input_width = 28;
  float input_scale = 1.0F / 255.0F;  // uint8 pixels
  int classes = 10;
  std::vector<QuantLayer> layers;
  // The file it was read from (empty when built in memory): names it in input errors.
  std::filesystem::path file;
};

// Throws std::invalid_argument naming the first inconsistency: a layer's input that is not the
// previous output, an output shape that does not follow from the input and the kernel, stride
// and padding, a kernel larger than the padded input, a flatten that changes the size, weight
// counts and scales. A network that passes runs in the IntegerEngine without any other check.
void Validate(const QuantizedNetwork& network);

void WriteQuantizedNetwork(const std::filesystem::path& path, const QuantizedNetwork& network);
// Truncated, corrupt (checksum) or inconsistent files are InputErrors naming the field.
QuantizedNetwork ReadQuantizedNetwork(const std::filesystem::path& path);

}  // namespace powersel::qat
