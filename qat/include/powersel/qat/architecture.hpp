// Network architectures as plain layer lists: the trainer builds LibTorch modules from them
// and the exporter reads the same list, so the two cannot disagree on shapes.
#pragma once

#include <string>
#include <vector>

#include "powersel/qat/quantized_network.hpp"

namespace powersel::qat {

enum class ModelKind { kLeNet5, kSmallVgg };

struct LayerDef {
  LayerKind kind = LayerKind::kConv;
  std::string name;
  int out_channels = 0;  // conv and linear
  int kernel = 1;        // conv: kernel; max pooling: window (= stride)
  int padding = 0;
  bool relu = true;
};

struct Architecture {
  std::string name;
  std::vector<LayerDef> layers;
};

std::string ModelName(ModelKind kind);
// For an input of `channels` x `side` x `side` and `classes` outputs.
Architecture MakeArchitecture(ModelKind kind, int channels, int side, int classes);

// Every layer's shapes for that input (weights left empty).
QuantizedNetwork Shapes(const Architecture& architecture, int channels, int height, int width,
                        int classes);

}  // namespace powersel::qat
