#include "run_steps.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "powersel/common/files.hpp"

namespace powersel::flow::detail {

std::string StepKey(const std::vector<std::string>& parts) {
  constexpr std::uint64_t kOffset = 14695981039346656037ULL;
  constexpr std::uint64_t kPrime = 1099511628211ULL;
  std::uint64_t hash = kOffset;
  auto add = [&](const std::string& text) {
    for (const char c : text) {
      hash = (hash ^ static_cast<std::uint8_t>(c)) * kPrime;
    }
    hash = (hash ^ 0xffU) * kPrime;  // the separator: no byte of UTF-8 text is 0xff
  };
  add(POWERSEL_VERSION);
  for (const std::string& part : parts) {
    add(part);
  }
  return fmt::format("{:016x}", hash);
}

std::string StepRecordText(const StepRecord& record) {
  return nlohmann::json{{"key", record.key},
                        {"failures", record.failures},
                        {"section", record.section.ToJson()},
                        {"data", record.data}}
      .dump(1);
}

std::optional<StepRecord> ParseStepRecord(const std::string& text) {
  try {
    const nlohmann::json json = nlohmann::json::parse(text);
    std::optional<Report> section = Report::FromJson(json.at("section"));
    if (!section || !json.at("data").is_object()) {
      return std::nullopt;
    }
    return StepRecord{json.at("key").get<std::string>(),
                      json.at("failures").get<std::vector<std::string>>(), std::move(*section),
                      json.at("data")};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<StepRecord> StepRecords::Finished(const std::string& step,
                                                const std::string& key) const {
  std::ifstream file(File(step), std::ios::binary);
  if (!file) {
    return std::nullopt;
  }
  std::optional<StepRecord> record = ParseStepRecord(
      std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()));
  if (!record || record->key != key) {
    return std::nullopt;
  }
  return record;
}

void StepRecords::Forget(const std::string& step) const {
  std::filesystem::remove(File(step));
}

void StepRecords::Store(const std::string& step, const StepRecord& record) const {
  std::filesystem::create_directories(dir_);
  WriteFileAtomically(File(step), StepRecordText(record));
}

}  // namespace powersel::flow::detail
