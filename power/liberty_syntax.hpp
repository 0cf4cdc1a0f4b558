// The generic Liberty syntax: groups, simple and complex attributes. Semantic reading lives
// in liberty.cpp.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace powersel::power::detail {

struct LibertyAttribute {
  std::string name;
  std::vector<std::string> values;  // one value for "name : value;", several for "name (a, b);"
  int line = 0;
};

struct LibertyGroup {
  std::string type;  // e.g. "cell"
  std::vector<std::string> arguments;
  std::vector<LibertyAttribute> attributes;
  std::vector<LibertyGroup> groups;
  int line = 0;

  const LibertyAttribute* Find(const std::string& attribute) const;
  std::vector<const LibertyGroup*> Children(const std::string& group_type) const;
};

// Parses the whole file into its top-level group ("library"). Throws InputError.
LibertyGroup ParseLibertySyntax(const std::filesystem::path& file);
LibertyGroup ParseLibertyText(const std::string& text, const std::string& origin);

}  // namespace powersel::power::detail
