#include "powersel/qat/architecture.hpp"

#include <stdexcept>

namespace powersel::qat {

std::string ModelName(ModelKind kind) {
  return kind == ModelKind::kLeNet5 ? "lenet5" : "vgg-small";
}

Architecture MakeArchitecture(ModelKind kind, int channels, int side, int classes) {
  (void)channels;  // both architectures take any input depth
  (void)side;      // and any side that survives two 2x2 poolings (checked by Shapes)
  if (kind == ModelKind::kLeNet5) {
    // LeNet-5 with max pooling and ReLU: conv5x5(6, same) pool conv5x5(16) pool fc120 fc84.
    return {"lenet5",
            {{LayerKind::kConv, "conv1", 6, 5, 2, true},
             {LayerKind::kMaxPool, "pool1", 0, 2, 0, false},
             {LayerKind::kConv, "conv2", 16, 5, 0, true},
             {LayerKind::kMaxPool, "pool2", 0, 2, 0, false},
             {LayerKind::kFlatten, "flatten", 0, 1, 0, false},
             {LayerKind::kLinear, "fc1", 120, 1, 0, true},
             {LayerKind::kLinear, "fc2", 84, 1, 0, true},
             {LayerKind::kLinear, "fc3", classes, 1, 0, false}}};
  }
  // A small VGG: two blocks of two 3x3 convolutions, each block closed by 2x2 max pooling.
  return {"vgg-small",
          {{LayerKind::kConv, "conv1", 32, 3, 1, true},
           {LayerKind::kConv, "conv2", 32, 3, 1, true},
           {LayerKind::kMaxPool, "pool1", 0, 2, 0, false},
           {LayerKind::kConv, "conv3", 64, 3, 1, true},
           {LayerKind::kConv, "conv4", 64, 3, 1, true},
           {LayerKind::kMaxPool, "pool2", 0, 2, 0, false},
           {LayerKind::kFlatten, "flatten", 0, 1, 0, false},
           {LayerKind::kLinear, "fc1", 128, 1, 0, true},
           {LayerKind::kLinear, "fc2", classes, 1, 0, false}}};
}

QuantizedNetwork Shapes(const Architecture& architecture, int channels, int height, int width,
                        int classes) {
  QuantizedNetwork network;
  network.model = architecture.name;
  network.input_channels = channels;
  network.input_height = height;
  network.input_width = width;
  network.classes = classes;
  for (const LayerDef& def : architecture.layers) {
    QuantLayer layer;
    layer.kind = def.kind;
    layer.name = def.name;
    layer.in_channels = channels;
    layer.in_height = height;
    layer.in_width = width;
    layer.relu = def.relu;
    switch (def.kind) {
      case LayerKind::kConv:
        layer.kernel = def.kernel;
        layer.padding = def.padding;
        channels = def.out_channels;
        height = height + 2 * def.padding - def.kernel + 1;
        width = width + 2 * def.padding - def.kernel + 1;
        break;
      case LayerKind::kMaxPool:
        layer.kernel = def.kernel;
        layer.stride = def.kernel;
        height /= def.kernel;
        width /= def.kernel;
        break;
      case LayerKind::kFlatten:
        channels = channels * height * width;
        height = 1;
        width = 1;
        break;
      case LayerKind::kLinear:
        if (height != 1 || width != 1) {
          throw std::invalid_argument("linear layer " + def.name + " needs a flattened input");
        }
        channels = def.out_channels;
        break;
    }
    if (height < 1 || width < 1) {
      throw std::invalid_argument("input too small for layer " + def.name);
    }
    layer.out_channels = channels;
    layer.out_height = height;
    layer.out_width = width;
    network.layers.push_back(std::move(layer));
  }
  return network;
}

}  // namespace powersel::qat
