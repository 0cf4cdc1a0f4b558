// Strict reading of YAML configuration: unknown keys and wrong types are input errors that
// name the file and the dotted field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Node;
}

namespace powersel {

class ConfigNode {
 public:
  // Parses `file`; a missing file or bad YAML is an InputError.
  static ConfigNode Load(const std::filesystem::path& file);
  // Parses text, for embedded defaults and tests; `origin` names it in errors.
  static ConfigNode Parse(const std::string& text, const std::string& origin);

  ConfigNode(const ConfigNode&);
  ConfigNode& operator=(const ConfigNode&);
  ~ConfigNode();

  // Throws InputError on any key of this mapping outside `allowed`.
  void ExpectOnly(std::initializer_list<std::string_view> allowed) const;

  bool Has(std::string_view key) const;
  // A nested mapping; absent keys give an empty mapping, so defaults apply below it.
  ConfigNode Section(std::string_view key) const;

  std::int64_t Int(std::string_view key, std::int64_t fallback, std::int64_t min,
                   std::int64_t max) const;
  double Double(std::string_view key, double fallback, double min, double max) const;
  bool Bool(std::string_view key, bool fallback) const;
  std::string String(std::string_view key, const std::string& fallback) const;
  // A string that must be one of `allowed` (e.g. "timed" or "zero-delay").
  std::string Choice(std::string_view key, const std::string& fallback,
                     const std::vector<std::string>& allowed) const;
  // For errors the caller raises about a value it read: the file and the dotted field.
  const std::string& file() const { return *file_; }
  std::string FieldPath(std::string_view key) const;

  std::vector<std::int64_t> IntList(std::string_view key, const std::vector<std::int64_t>& fallback,
                                    std::int64_t min, std::int64_t max) const;
  std::vector<double> DoubleList(std::string_view key, const std::vector<double>& fallback,
                                 double min, double max) const;

 private:
  template <typename T>
  std::vector<T> List(std::string_view key, const std::vector<T>& fallback, T min, T max,
                      const char* one, const char* many) const;

  ConfigNode(std::shared_ptr<const std::string> file, std::string path,
             std::unique_ptr<YAML::Node> node);

  std::shared_ptr<const std::string> file_;
  std::string path_;  // dotted path of this mapping, empty at the root
  std::unique_ptr<YAML::Node> node_;
};

// `text` as a YAML double-quoted scalar that reads back exactly, whatever it holds (quotes,
// backslashes, line breaks): for configurations written back out, such as config.yaml.
std::string YamlQuoted(std::string_view text);

}  // namespace powersel
