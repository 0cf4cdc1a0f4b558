#include "powersel/common/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "powersel/common/errors.hpp"

namespace powersel {

ConfigNode::ConfigNode(std::shared_ptr<const std::string> file, std::string path,
                       std::unique_ptr<YAML::Node> node)
    : file_(std::move(file)), path_(std::move(path)), node_(std::move(node)) {}

ConfigNode::ConfigNode(const ConfigNode& other)
    : file_(other.file_), path_(other.path_), node_(std::make_unique<YAML::Node>(*other.node_)) {}

ConfigNode& ConfigNode::operator=(const ConfigNode& other) {
  file_ = other.file_;
  path_ = other.path_;
  node_ = std::make_unique<YAML::Node>(*other.node_);
  return *this;
}

ConfigNode::~ConfigNode() = default;

ConfigNode ConfigNode::Parse(const std::string& text, const std::string& origin) {
  auto file = std::make_shared<const std::string>(origin);
  try {
    auto node = std::make_unique<YAML::Node>(YAML::Load(text));
    if (node->IsNull()) {
      *node = YAML::Node(YAML::NodeType::Map);
    }
    if (!node->IsMap()) {
      throw InputError(origin, "", "expected a mapping of settings at the top level");
    }
    return ConfigNode(file, "", std::move(node));
  } catch (const YAML::Exception& error) {
    throw InputError(origin, fmt::format("line {}", error.mark.line + 1), error.msg);
  }
}

ConfigNode ConfigNode::Load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw InputError(file.string(), "", "cannot open configuration file");
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return Parse(text, file.string());
}

std::string ConfigNode::FieldPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

void ConfigNode::ExpectOnly(std::initializer_list<std::string_view> allowed) const {
  for (const auto& entry : *node_) {
    if (!entry.first.IsScalar()) {
      throw InputError(*file_, path_.empty() ? std::string("(top level)") : path_,
                       "a key must be a plain name, not a mapping or a list");
    }
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      throw InputError(*file_, FieldPath(key),
                       fmt::format("unknown key (expected one of: {})", fmt::join(allowed, ", ")));
    }
  }
}

bool ConfigNode::Has(std::string_view key) const {
  return static_cast<bool>((*node_)[std::string(key)]);
}

ConfigNode ConfigNode::Section(std::string_view key) const {
  const YAML::Node child = (*node_)[std::string(key)];
  if (!child || child.IsNull()) {
    return ConfigNode(file_, FieldPath(key), std::make_unique<YAML::Node>(YAML::NodeType::Map));
  }
  if (!child.IsMap()) {
    throw InputError(*file_, FieldPath(key), "expected a mapping");
  }
  return ConfigNode(file_, FieldPath(key), std::make_unique<YAML::Node>(child));
}

namespace {

template <typename T>
T Scalar(const YAML::Node& node, const std::string& file, const std::string& field,
         const char* expected) {
  if (!node.IsScalar()) {
    throw InputError(file, field, fmt::format("expected {}", expected));
  }
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    throw InputError(file, field, fmt::format("expected {}, got '{}'", expected, node.Scalar()));
  }
}

}  // namespace

std::int64_t ConfigNode::Int(std::string_view key, std::int64_t fallback, std::int64_t min,
                             std::int64_t max) const {
  const YAML::Node child = (*node_)[std::string(key)];
  if (!child) {
    return fallback;
  }
  const auto value = Scalar<std::int64_t>(child, *file_, FieldPath(key), "an integer");
  if (value < min || value > max) {
    throw InputError(*file_, FieldPath(key),
                     fmt::format("expected an integer in [{}, {}], got {}", min, max, value));
  }
  return value;
}

double ConfigNode::Double(std::string_view key, double fallback, double min, double max) const {
  const YAML::Node child = (*node_)[std::string(key)];
  if (!child) {
    return fallback;
  }
  const auto value = Scalar<double>(child, *file_, FieldPath(key), "a number");
  if (!(value >= min && value <= max)) {
    throw InputError(*file_, FieldPath(key),
                     fmt::format("expected a number in [{}, {}], got {}", min, max, value));
  }
  return value;
}

bool ConfigNode::Bool(std::string_view key, bool fallback) const {
  const YAML::Node child = (*node_)[std::string(key)];
  return child ? Scalar<bool>(child, *file_, FieldPath(key), "true or false") : fallback;
}

std::string ConfigNode::String(std::string_view key, const std::string& fallback) const {
  const YAML::Node child = (*node_)[std::string(key)];
  return child ? Scalar<std::string>(child, *file_, FieldPath(key), "a string") : fallback;
}

std::string ConfigNode::Choice(std::string_view key, const std::string& fallback,
                               const std::vector<std::string>& allowed) const {
  std::string value = String(key, fallback);
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    throw InputError(
        *file_, FieldPath(key),
        fmt::format("expected one of {}, got \"{}\"", fmt::join(allowed, ", "), value));
  }
  return value;
}

template <typename T>
std::vector<T> ConfigNode::List(std::string_view key, const std::vector<T>& fallback, T min, T max,
                                const char* one, const char* many) const {
  const YAML::Node child = (*node_)[std::string(key)];
  if (!child) {
    return fallback;
  }
  if (!child.IsSequence() || child.size() == 0) {
    throw InputError(*file_, FieldPath(key), fmt::format("expected a non-empty list of {}", many));
  }
  std::vector<T> values;
  for (std::size_t i = 0; i < child.size(); ++i) {
    const std::string field = fmt::format("{}[{}]", FieldPath(key), i);
    const auto value = Scalar<T>(child[i], *file_, field, one);
    if (!(value >= min && value <= max)) {
      throw InputError(*file_, field,
                       fmt::format("expected {} in [{}, {}], got {}", one, min, max, value));
    }
    values.push_back(value);
  }
  return values;
}

std::vector<std::int64_t> ConfigNode::IntList(std::string_view key,
                                              const std::vector<std::int64_t>& fallback,
                                              std::int64_t min, std::int64_t max) const {
  return List<std::int64_t>(key, fallback, min, max, "an integer", "integers");
}

std::vector<double> ConfigNode::DoubleList(std::string_view key,
                                           const std::vector<double>& fallback, double min,
                                           double max) const {
  return List<double>(key, fallback, min, max, "a number", "numbers");
}

std::string YamlQuoted(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (byte < 0x20 || byte == 0x7F) {
      // Raw line breaks would be folded into spaces on reading; escapes are not.
      quoted += fmt::format("\\x{:02x}", byte);
    } else {
      quoted += c;
    }
  }
  return quoted + '"';
}

}  // namespace powersel
