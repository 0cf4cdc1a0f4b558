#include "powersel/qat/quantized_network.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>

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

// nlohmann casts a JSON float such as 1e300 to an integer type without a check (undefined
// behaviour); numbers are read only when they fit the field's type.
template <typename T>
T ReadNumber(const nlohmann::json& value) {
  constexpr auto kMin = std::numeric_limits<T>::lowest();
  constexpr auto kMax = std::numeric_limits<T>::max();
  if constexpr (std::is_integral_v<T>) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() <= std::uint64_t{kMax}) {
      return static_cast<T>(value.get<std::uint64_t>());
    }
    if (value.is_number_integer() && !value.is_number_unsigned() &&
        value.get<std::int64_t>() >= kMin && value.get<std::int64_t>() <= kMax) {
      return static_cast<T>(value.get<std::int64_t>());
    }
    throw std::invalid_argument(
        fmt::format("expected an integer in {}..{}, got {:.40}", kMin, kMax, value.dump()));
  } else {
    if (value.is_number() && std::abs(value.get<double>()) <= kMax) {
      return static_cast<T>(value.get<double>());
    }
    throw std::invalid_argument(fmt::format("expected a number, got {:.40}", value.dump()));
  }
}

template <typename T>
std::vector<T> ReadNumbers(const nlohmann::json& values) {
  if (!values.is_array()) {
    throw std::invalid_argument(
        fmt::format("expected a list of numbers, got {:.40}", values.dump()));
  }
  std::vector<T> numbers;
  numbers.reserve(values.size());
  for (const nlohmann::json& value : values) {
    numbers.push_back(ReadNumber<T>(value));
  }
  return numbers;
}

// Validate's finding, with the field as the file names it ("layers[2].stride") apart from the
// problem, so that the reader can report both in its InputError.
class InvalidNetwork : public std::invalid_argument {
 public:
  InvalidNetwork(std::string field, const std::string& problem)
      : std::invalid_argument(field + ": " + problem),
        field_(std::move(field)),
        problem_(problem) {}
  const std::string& field() const { return field_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string field_;
  std::string problem_;
};

void Require(bool condition, const std::string& field, const std::string& problem) {
  if (!condition) {
    throw InvalidNetwork(field, problem);
  }
}

// Bounds that keep every size the engine computes (im2col matrices, weight counts) far inside
// int and memory; real networks are orders of magnitude smaller.
constexpr std::int64_t kMaxSide = 1 << 15;
constexpr std::int64_t kMaxValues = std::int64_t{1} << 26;

// The product of `factors` (none negative), or kMaxValues + 1 as soon as it passes kMaxValues:
// sides of up to kMaxValues each would overflow 64 bits when multiplied out.
std::int64_t BoundedProduct(std::initializer_list<std::int64_t> factors) {
  std::int64_t product = 1;
  for (const std::int64_t factor : factors) {
    if (factor != 0 && product > kMaxValues / factor) {
      return kMaxValues + 1;
    }
    product *= factor;
  }
  return product;
}

std::string ShapeText(std::int64_t c, std::int64_t h, std::int64_t w) {
  return fmt::format("{}x{}x{}", c, h, w);
}

// The output shape follows from the input and the layer's geometry; checks that geometry on the
// way.
void CheckGeometry(const QuantLayer& layer, const std::string& where) {
  const std::string what = fmt::format("{} ({})", layer.name, KindName(layer.kind));
  for (const auto& [name, value] :
       {std::pair{"kernel", layer.kernel}, {"stride", layer.stride}, {"padding", layer.padding}}) {
    const std::int64_t min = std::string_view(name) == "padding" ? 0 : 1;
    Require(value >= min && value <= kMaxSide, where + "." + name,
            fmt::format("{}: {} {} is outside {}..{}", what, name, value, min, kMaxSide));
  }
  for (const int side : {layer.out_channels, layer.out_height, layer.out_width}) {
    Require(
        side >= 1 && side <= kMaxValues, where + ".out",
        fmt::format("{}: output shape {} has a side outside 1..{}", what,
                    ShapeText(layer.out_channels, layer.out_height, layer.out_width), kMaxValues));
  }
  const std::int64_t in_values =
      BoundedProduct({layer.in_channels, layer.in_height, layer.in_width});
  std::int64_t channels = layer.out_channels;
  std::int64_t height = 1;
  std::int64_t width = 1;
  switch (layer.kind) {
    case LayerKind::kConv:
    case LayerKind::kMaxPool: {
      // The engine pools without padding.
      Require(layer.kind == LayerKind::kConv || layer.padding == 0, where + ".padding",
              what + ": max pooling takes no padding");
      const std::int64_t padded_height = std::int64_t{layer.in_height} + 2 * layer.padding;
      const std::int64_t padded_width = std::int64_t{layer.in_width} + 2 * layer.padding;
      Require(layer.kernel <= padded_height && layer.kernel <= padded_width, where + ".kernel",
              fmt::format("{}: kernel {} is larger than the padded input {}x{}", what, layer.kernel,
                          padded_height, padded_width));
      channels = layer.kind == LayerKind::kConv ? layer.out_channels : layer.in_channels;
      height = (padded_height - layer.kernel) / layer.stride + 1;
      width = (padded_width - layer.kernel) / layer.stride + 1;
      break;
    }
    case LayerKind::kFlatten:
      channels = in_values;
      break;
    case LayerKind::kLinear:
      Require(layer.in_height == 1 && layer.in_width == 1, where + ".in",
              fmt::format("{}: takes a flat input (C x 1 x 1), got {}", what,
                          ShapeText(layer.in_channels, layer.in_height, layer.in_width)));
      Require(layer.kernel == 1 && layer.stride == 1 && layer.padding == 0, where + ".kernel",
              what + ": kernel, stride and padding of a linear layer are 1, 1 and 0");
      break;
  }
  Require(layer.out_channels == channels && layer.out_height == height && layer.out_width == width,
          where + ".out",
          fmt::format("{}: expected {} from the input {}, found {}", what,
                      ShapeText(channels, height, width),
                      ShapeText(layer.in_channels, layer.in_height, layer.in_width),
                      ShapeText(layer.out_channels, layer.out_height, layer.out_width)));
  // The largest arrays the engine builds: the output, im2col (pixels x K), the weights (K x N).
  const std::int64_t k = layer.kernel;
  const bool fits = BoundedProduct({channels, height, width}) <= kMaxValues &&
                    (!layer.IsGemm() ||
                     (BoundedProduct({height, width, layer.in_channels, k, k}) <= kMaxValues &&
                      BoundedProduct({layer.in_channels, k, k, layer.out_channels}) <= kMaxValues));
  Require(fits, where + ".out",
          fmt::format("{}: more than {} values in one layer", what, kMaxValues));
}

}  // namespace

void Validate(const QuantizedNetwork& network) {
  Require(!network.layers.empty(), "layers", "the network has none");
  int channels = network.input_channels;
  int height = network.input_height;
  int width = network.input_width;
  for (const int side : {channels, height, width}) {
    Require(
        side >= 1 && side <= kMaxSide, "input.shape",
        fmt::format("{} has a side outside 1..{}", ShapeText(channels, height, width), kMaxSide));
  }
  Require(BoundedProduct({channels, height, width}) <= kMaxValues, "input.shape",
          fmt::format("more than {} values", kMaxValues));
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const QuantLayer& layer = network.layers[i];
    const std::string where = fmt::format("layers[{}]", i);
    Require(layer.in_channels == channels && layer.in_height == height && layer.in_width == width,
            where + ".in",
            fmt::format("{}: input shape {} does not follow from the previous output {}",
                        layer.name, ShapeText(layer.in_channels, layer.in_height, layer.in_width),
                        ShapeText(channels, height, width)));
    CheckGeometry(layer, where);
    if (layer.IsGemm()) {
      const std::size_t expected = static_cast<std::size_t>(layer.out_channels) * layer.GemmK();
      Require(layer.weights.size() == expected, where + ".weights",
              fmt::format("{}: expected {} values, found {}", layer.name, expected,
                          layer.weights.size()));
      Require(layer.weight_scales.size() == static_cast<std::size_t>(layer.out_channels) &&
                  layer.bias.size() == static_cast<std::size_t>(layer.out_channels),
              where + ".weight_scales",
              layer.name + ": one weight scale and one bias per output channel expected");
      for (const float scale : layer.weight_scales) {
        Require(std::isfinite(scale) && scale > 0, where + ".weight_scales",
                layer.name + ": weight scales must be positive");
      }
      Require(std::isfinite(layer.input_scale) && layer.input_scale > 0 &&
                  std::isfinite(layer.output_scale) && layer.output_scale > 0,
              where + ".input_scale", layer.name + ": activation scales must be positive");
    }
    channels = layer.out_channels;
    height = layer.out_height;
    width = layer.out_width;
  }
  Require(channels == network.classes && height == 1 && width == 1, "classes",
          fmt::format("the last layer gives {}, expected one value per class ({})",
                      ShapeText(channels, height, width), network.classes));
  Require(network.layers.back().kind == LayerKind::kLinear && !network.layers.back().relu, "layers",
          "the last layer must be linear without ReLU (the logits)");
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
    network.input_channels = ReadNumber<int>(shape.at(0));
    network.input_height = ReadNumber<int>(shape.at(1));
    network.input_width = ReadNumber<int>(shape.at(2));
    network.input_scale = ReadNumber<float>(document.at("input").at("scale"));
    field = "classes";
    network.classes = ReadNumber<int>(document.at("classes"));
    for (std::size_t i = 0; i < document.at("layers").size(); ++i) {
      field = fmt::format("layers[{}]", i);
      const auto& entry = document.at("layers").at(i);
      // Names the key being read, for the error.
      const auto at = [&](const char* key) -> const nlohmann::json& {
        field = fmt::format("layers[{}].{}", i, key);
        return entry.at(key);
      };
      QuantLayer layer;
      layer.name = at("name");
      layer.kind = KindFromName(at("kind"));
      layer.in_channels = ReadNumber<int>(at("in").at(0));
      layer.in_height = ReadNumber<int>(at("in").at(1));
      layer.in_width = ReadNumber<int>(at("in").at(2));
      layer.out_channels = ReadNumber<int>(at("out").at(0));
      layer.out_height = ReadNumber<int>(at("out").at(1));
      layer.out_width = ReadNumber<int>(at("out").at(2));
      layer.kernel = ReadNumber<int>(at("kernel"));
      layer.stride = ReadNumber<int>(at("stride"));
      layer.padding = ReadNumber<int>(at("padding"));
      layer.relu = false;  // pooling and flattening have none
      if (layer.IsGemm()) {
        layer.weights = ReadNumbers<std::int8_t>(at("weights"));
        layer.weight_scales = ReadNumbers<float>(at("weight_scales"));
        layer.bias = ReadNumbers<std::int32_t>(at("bias"));
        layer.input_scale = ReadNumber<float>(at("input_scale"));
        layer.output_scale = ReadNumber<float>(at("output_scale"));
        layer.relu = at("relu");
      }
      network.layers.push_back(std::move(layer));
    }
    field = "checksum";
    if (document.at("checksum") != NetworkChecksum(network)) {
      throw InputError(path.string(), "checksum", "does not match the contents (corrupt file)");
    }
    Validate(network);
    network.file = path;
    return network;
  } catch (const nlohmann::json::exception& error) {
    throw InputError(path.string(), field, std::string("missing or mistyped: ") + error.what());
  } catch (const InvalidNetwork& error) {
    throw InputError(path.string(), error.field(), error.problem());
  } catch (const std::invalid_argument& error) {
    throw InputError(path.string(), field, error.what());
  }
}

}  // namespace powersel::qat
