#include "powersel/power/plot.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <memory>

namespace powersel::power {

namespace {

struct PipeCloser {
  void operator()(FILE* pipe) const { pclose(pipe); }
};

// gnuplot takes file names in single quotes; a quote inside would end the string early.
std::string Quoted(const std::filesystem::path& path) {
  std::string quoted = "'";
  for (const char c : path.string()) {
    quoted += c == '\'' ? std::string("''") : std::string(1, c);
  }
  return quoted + "'";
}

}  // namespace

bool RunGnuplot(const std::string& script) {
  FILE* raw = popen("gnuplot 2>&1", "w");
  if (raw == nullptr) {
    fmt::print(stderr, "powersel: warning: cannot start gnuplot; plot skipped\n");
    return false;
  }
  std::unique_ptr<FILE, PipeCloser> pipe(raw);
  std::fputs(script.c_str(), pipe.get());
  const int status = pclose(pipe.release());
  if (status != 0) {
    fmt::print(stderr, "powersel: warning: gnuplot failed (status {}); plot skipped\n", status);
    return false;
  }
  return true;
}

bool PlotToggleHeatmap(const std::filesystem::path& csv, const std::filesystem::path& png,
                       const std::string& title) {
  // row, col, five PE signals, total (tb::ToggleHeatmapCsv).
  constexpr int kTotalColumn = 8;
  // Written beside the final name, then renamed, like every other output.
  const std::filesystem::path staging = png.string() + ".tmp.png";
  const std::string script = fmt::format(
      "set terminal pngcairo size 640,560\n"
      "set output {}\n"
      "set datafile separator ','\n"
      "set title '{}'\n"
      "set xlabel 'column'\nset ylabel 'row'\nset autoscale fix\nset yrange [*:*] reverse\n"
      "set cblabel 'toggles'\nset view map\nset palette rgbformulae 21,22,23\n"
      "plot {} using 2:1:{} skip 1 with image notitle\n",
      Quoted(staging), title, Quoted(csv), kTotalColumn);
  if (!RunGnuplot(script)) {
    std::filesystem::remove(staging);
    return false;
  }
  std::filesystem::rename(staging, png);
  return true;
}

}  // namespace powersel::power
