#include "powersel/common/progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <exception>

namespace powersel {

namespace {

std::atomic<bool> progress_enabled{true};

constexpr auto kRedrawInterval = std::chrono::milliseconds(200);
constexpr std::uint64_t kPlainReports = 10;

}  // namespace

void SetProgressEnabled(bool enabled) {
  progress_enabled = enabled;
}

Progress::Progress(std::string label, std::uint64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      interactive_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  next_plain_report_ = total_ / kPlainReports;
}

Progress::~Progress() {
  // On the way out of a failure, a "took N s" line would only bury the error message.
  if (std::uncaught_exceptions() == 0) {
    Finish();
  }
}

void Progress::Advance(std::uint64_t items) {
  const std::lock_guard lock(mutex_);
  done_ += items;
  if (!progress_enabled) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (interactive_) {
    if (now - last_draw_ >= kRedrawInterval) {
      last_draw_ = now;
      Print(false);
    }
  } else if (done_ >= next_plain_report_ && done_ < total_) {
    next_plain_report_ = done_ + std::max<std::uint64_t>(1, total_ / kPlainReports);
    Print(false);
  }
}

void Progress::SetStatus(std::string status) {
  const std::lock_guard lock(mutex_);
  status_ = std::move(status);
}

void Progress::Finish() {
  const std::lock_guard lock(mutex_);
  if (finished_) {
    return;
  }
  finished_ = true;
  if (progress_enabled) {
    Print(true);
  }
}

void Progress::Print(bool final_line) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  const double eta = rate > 0 && total_ > done_ ? static_cast<double>(total_ - done_) / rate : 0;
  const std::string line =
      fmt::format("{}: {}/{} {} ({:.1f} {}/s, {} {:.0f} s){}{}", label_, done_, total_, unit_, rate,
                  unit_, final_line ? "took" : "ETA", final_line ? elapsed : eta,
                  status_.empty() ? "" : "  ", status_);
  if (interactive_) {
    fmt::print(stderr, "\r\033[K{}{}", line, final_line ? "\n" : "");
  } else {
    fmt::print(stderr, "{}\n", line);
  }
  std::fflush(stderr);
}

}  // namespace powersel
