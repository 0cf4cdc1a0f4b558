// What lets `powersel run` skip a finished step: per step a record, stored in the run
// directory after the step's outputs, with the hash of the step's inputs (its configuration
// section, the tool's version and the keys of the steps it reads from), whether it passed,
// and its report section. A step whose record is missing, unreadable or keyed otherwise runs
// again; its record is removed before it starts, so an interrupted step is redone.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "powersel/flow/report.hpp"

namespace powersel::flow::detail {

struct StepRecord {
  std::string key;
  std::vector<std::string> failures;  // empty: passed
  Report section{""};
  nlohmann::json data = nlohmann::json::object();  // what later steps read from this one
};

// 16 hex digits of a 64-bit FNV-1a hash of the parts (separated, so that parts cannot run
// into each other) and the tool's version.
std::string StepKey(const std::vector<std::string>& parts);

// The record as stored, and its reading back: nullopt for anything a run did not write.
std::string StepRecordText(const StepRecord& record);
std::optional<StepRecord> ParseStepRecord(const std::string& text);

class StepRecords {
 public:
  explicit StepRecords(std::filesystem::path run_dir) : dir_(std::move(run_dir) / "steps") {}

  // The record of `step` if it finished with inputs that hash to `key`.
  std::optional<StepRecord> Finished(const std::string& step, const std::string& key) const;
  void Forget(const std::string& step) const;
  void Store(const std::string& step, const StepRecord& record) const;

 private:
  std::filesystem::path File(const std::string& step) const { return dir_ / (step + ".json"); }
  std::filesystem::path dir_;
};

}  // namespace powersel::flow::detail
