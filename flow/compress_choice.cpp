#include "powersel/flow/compress_choice.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"

namespace powersel::flow {

namespace {

// The network file of one of compress.json's choices; null when compress chose none.
std::optional<std::filesystem::path> ChosenNetwork(const nlohmann::json& json,
                                                   const std::string& field,
                                                   const std::string& origin) {
  if (!json.is_object() || !json.contains(field) || json[field].is_null()) {
    return std::nullopt;
  }
  const nlohmann::json& chosen = json[field];
  if (!chosen.is_object() || !chosen.contains("network") || !chosen["network"].is_string()) {
    throw InputError(origin, field + ".network", "expected the compressed network's file name");
  }
  const std::filesystem::path file = chosen["network"].get<std::string>();
  for (const std::filesystem::path& part : file) {
    if (part == "..") {
      throw InputError(origin, field + ".network", "expected a path inside the run directory");
    }
  }
  if (file.empty() || file.is_absolute()) {
    throw InputError(origin, field + ".network", "expected a path inside the run directory");
  }
  return file;
}

// An accuracy in 0..1 if `json` has it, -1 if not.
double Fraction(const nlohmann::json& json, const std::string& key, const std::string& field,
                const std::string& origin) {
  if (!json.is_object() || !json.contains(key)) {
    return -1;
  }
  if (!json[key].is_number() || !(json[key].get<double>() >= 0) || json[key].get<double>() > 1) {
    throw InputError(origin, field, "expected a fraction between 0 and 1");
  }
  return json[key].get<double>();
}

}  // namespace

CompressChoice ParseCompressChoice(const std::string& text, const std::string& origin) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw InputError(origin, "", "expected compress.json as compress writes it (not JSON)");
  }
  if (!json.is_object()) {
    throw InputError(origin, "", "expected a JSON object");
  }
  const auto ours = ChosenNetwork(json, "ours", origin);
  if (!ours) {
    throw InputError(origin, "ours",
                     "no compressed network within the accuracy budget: nothing to replay");
  }
  CompressChoice choice{*ours, {}, true};
  auto baseline = ChosenNetwork(json, "baseline_at_equal_accuracy", origin);
  if (!baseline) {
    choice.baseline_at_equal_accuracy = false;
    baseline = ChosenNetwork(json, "baseline", origin);
  }
  if (!baseline) {
    throw InputError(origin, "baseline", "no baseline network chosen: nothing to compare with");
  }
  choice.baseline = *baseline;
  choice.ours_test_top1 = Fraction(json["ours"], "test_top1", "ours.test_top1", origin);
  if (json.contains("trained")) {
    choice.trained_test_top1 = Fraction(json["trained"], "test_top1", "trained.test_top1", origin);
  }
  return choice;
}

CompressChoice ReadCompressChoice(const std::filesystem::path& compress_json) {
  CompressChoice choice =
      ParseCompressChoice(ReadFileText(compress_json, "compress.json"), compress_json.string());
  const std::filesystem::path dir = compress_json.parent_path();
  choice.ours = dir / choice.ours;
  choice.baseline = dir / choice.baseline;
  return choice;
}

}  // namespace powersel::flow
