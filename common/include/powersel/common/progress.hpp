// Progress of a long step: items done, rate and ETA. Redraws one line on a terminal and
// prints a plain line every tenth of the work otherwise (logs, CI).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace powersel {

// Advance() may be called from several threads.
class Progress {
 public:
  Progress(std::string label, std::uint64_t total, std::string unit);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Advance(std::uint64_t items = 1);
  // Extra text shown after the counts (e.g. "loss 0.31 acc 88.2%").
  void SetStatus(std::string status);
  void Finish();

 private:
  void Print(bool final_line);

  std::mutex mutex_;
  std::string label_;
  std::string unit_;
  std::string status_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  std::uint64_t next_plain_report_ = 0;
  bool interactive_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// Set false to silence progress output (tests, --quiet).
void SetProgressEnabled(bool enabled);

}  // namespace powersel
