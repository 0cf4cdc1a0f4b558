#include "powersel/common/gnuplot.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <memory>

namespace powersel {

namespace {

struct PipeCloser {
  void operator()(FILE* pipe) const { pclose(pipe); }
};

}  // namespace

std::string GnuplotQuoted(const std::filesystem::path& path) {
  // gnuplot takes file names in single quotes; a quote inside is written twice.
  std::string quoted = "'";
  for (const char c : path.string()) {
    quoted += c == '\'' ? std::string("''") : std::string(1, c);
  }
  return quoted + "'";
}

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

}  // namespace powersel
