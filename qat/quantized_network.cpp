#include "powersel/qat/quantized_network.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"

namespace powersel::qat {

namespace {

constexpr const char* kFormat = "powersel-qnet";
constexpr int kVersion = 1;

const char* KindName(LayerKind kind) {
  switch (kind) {
    case LayerKind::kConv:
      return "conv";
    case LayerKind::kLinear:
      return "linear";
    case LayerKind::kMaxPool:
      return "maxpool";
    case LayerKind::kFlatten:
      return "flatten";
  }
  return "?";
}

LayerKind KindFromName(const std::string& name) {
  for (const LayerKind kind :
       {LayerKind::kConv, LayerKind::kLinear, LayerKind::kMaxPool, LayerKind::kFlatten}) {
    if (name == KindName(kind)) {
      return kind;
    }
  }
  throw std::invalid_argument("unknown layer kind '" + name + "'");
}

// FNV-1a over every number of the network, in file order: detects edits that still parse.
class Checksum {
 public:
  template <typename T>
  void Add(T value) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(&value);
    for (std::size_t i = 0; i < sizeof value; ++i) {
      hash_ = (hash_ ^ bytes[i]) * 0x100000001b3ULL;
    }
  }
  template <typename T>
  void AddAll(const std::vector<T>& values) {
    for (const T value : values) {
      Add(value);
    }
  }
  std::string Hex() const { return fmt::format("{:016x}", hash_); }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

std::string NetworkChecksum(const QuantizedNetwork& network) {
  Checksum sum;
  sum.Add(network.input_channels);
  sum.Add(network.input_height);
  sum.Add(network.input_width);
  sum.Add(network.input_scale);
  sum.Add(network.classes);
  for (const QuantLayer& layer : network.layers) {
    for (const int value :
         {static_cast<int>(layer.kind), layer.in_channels, layer.in_height, layer.in_width,
          layer.out_channels, layer.out_height, layer.out_width, layer.kernel, layer.stride,
          layer.padding, static_cast<int>(layer.relu)}) {
      sum.Add(value);
    }
    sum.AddAll(layer.weights);
    sum.AddAll(layer.weight_scales);
    sum.AddAll(layer.bias);
    sum.Add(layer.input_scale);
    sum.Add(layer.output_scale);
  }
  return sum.Hex();
}

void Require(bool condition, const std::string& what) {
  if (!condition) {
    throw std::invalid_argument(what);
  }
}

}  // namespace

void Validate(const QuantizedNetwork& network) {
  Require(!network.layers.empty(), "layers: the network has none");
  int channels = network.input_channels;
  int height = network.input_height;
  int width = network.input_width;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const QuantLayer& layer = network.layers[i];
    const std::string where = fmt::format("layers[{}] ({})", i, layer.name);
    Require(layer.in_channels == channels && layer.in_height == height && layer.in_width == width,
            where + ": input shape does not follow from the previous layer");
    if (layer.IsGemm()) {
      const std::size_t expected = static_cast<std::size_t>(layer.out_channels) * layer.GemmK();
      Require(layer.weights.size() == expected,
              fmt::format("{}: weights: expected {} values, found {}", where, expected,
                          layer.weights.size()));
      Require(layer.weight_scales.size() == static_cast<std::size_t>(layer.out_channels) &&
                  layer.bias.size() == static_cast<std::size_t>(layer.out_channels),
              where + ": one weight scale and one bias per output channel expected");
      for (const float scale : layer.weight_scales) {
        Require(std::isfinite(scale) && scale > 0, where + ": weight scales must be positive");
      }
      Require(std::isfinite(layer.input_scale) && layer.input_scale > 0 &&
                  std::isfinite(layer.output_scale) && layer.output_scale > 0,
              where + ": activation scales must be positive");
    }
    channels = layer.out_channels;
    height = layer.out_height;
    width = layer.out_width;
  }
  Require(channels == network.classes && height == 1 && width == 1,
          "layers: the last layer must give one value per class");
  Require(network.layers.back().kind == LayerKind::kLinear && !network.layers.back().relu,
          "layers: the last layer must be linear without ReLU (the logits)");
}

void WriteQuantizedNetwork(const std::filesystem::path& path, const QuantizedNetwork& network) {
  Validate(network);
  nlohmann::json layers = nlohmann::json::array();
  for (const QuantLayer& layer : network.layers) {
    nlohmann::json entry = {
        {"name", layer.name},
        {"kind", KindName(layer.kind)},
        {"in", {layer.in_channels, layer.in_height, layer.in_width}},
        {"out", {layer.out_channels, layer.out_height, layer.out_width}},
        {"kernel", layer.kernel},
        {"stride", layer.stride},
        {"padding", layer.padding},
    };
    if (layer.IsGemm()) {
      entry["weights"] = layer.weights;
      entry["weight_scales"] = layer.weight_scales;
      entry["bias"] = layer.bias;
      entry["input_scale"] = layer.input_scale;
      entry["output_scale"] = layer.output_scale;
      entry["relu"] = layer.relu;
    }
    layers.push_back(std::move(entry));
  }
  const nlohmann::json document = {
      {"format", kFormat},
      {"version", kVersion},
      {"model", network.model},
      {"dataset", network.dataset},
      {"input",
       {{"shape", {network.input_channels, network.input_height, network.input_width}},
        {"scale", network.input_scale}}},
      {"classes", network.classes},
      {"layers", layers},
      {"checksum", NetworkChecksum(network)},
  };
  WriteFileAtomically(path, document.dump() + "\n");
}

QuantizedNetwork ReadQuantizedNetwork(const std::filesystem::path& path) {
  const nlohmann::json document = ReadJsonFile(path, "quantized network");
  std::string field = "format";
  try {
    if (document.at("format") != kFormat || document.at("version") != kVersion) {
      throw InputError(path.string(), "format",
                       fmt::format("expected {} version {}", kFormat, kVersion));
    }
    QuantizedNetwork network;
    field = "model";
    network.model = document.at("model");
    network.dataset = document.at("dataset");
    field = "input";
    const auto& shape = document.at("input").at("shape");
    network.input_channels = shape.at(0);
    network.input_height = shape.at(1);
    network.input_width = shape.at(2);
    network.input_scale = document.at("input").at("scale");
    network.classes = document.at("classes");
    for (std::size_t i = 0; i < document.at("layers").size(); ++i) {
      field = fmt::format("layers[{}]", i);
      const auto& entry = document.at("layers").at(i);
      QuantLayer layer;
      layer.name = entry.at("name");
      layer.kind = KindFromName(entry.at("kind"));
      layer.in_channels = entry.at("in").at(0);
      layer.in_height = entry.at("in").at(1);
      layer.in_width = entry.at("in").at(2);
      layer.out_channels = entry.at("out").at(0);
      layer.out_height = entry.at("out").at(1);
      layer.out_width = entry.at("out").at(2);
      layer.kernel = entry.at("kernel");
      layer.stride = entry.at("stride");
      layer.padding = entry.at("padding");
      layer.relu = false;  // pooling and flattening have none
      if (layer.IsGemm()) {
        layer.weights = entry.at("weights").get<std::vector<std::int8_t>>();
        layer.weight_scales = entry.at("weight_scales").get<std::vector<float>>();
        layer.bias = entry.at("bias").get<std::vector<std::int32_t>>();
        layer.input_scale = entry.at("input_scale");
        layer.output_scale = entry.at("output_scale");
        layer.relu = entry.at("relu");
      }
      network.layers.push_back(std::move(layer));
    }
    field = "checksum";
    if (document.at("checksum") != NetworkChecksum(network)) {
      throw InputError(path.string(), "checksum", "does not match the contents (corrupt file)");
    }
    field = "layers";
    Validate(network);
    return network;
  } catch (const nlohmann::json::exception& error) {
    throw InputError(path.string(), field, std::string("missing or mistyped: ") + error.what());
  } catch (const std::invalid_argument& error) {
    throw InputError(path.string(), field, error.what());
  }
}

}  // namespace powersel::qat
