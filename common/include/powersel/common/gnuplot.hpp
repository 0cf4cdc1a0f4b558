// Plots through Debian's gnuplot: PNG files next to the data they show.
#pragma once

#include <filesystem>
#include <string>

namespace powersel {

// Runs a gnuplot script; returns false (and says why on stderr) if gnuplot is missing or
// fails, so that a report can go on without the picture.
bool RunGnuplot(const std::string& script);

// A path as a gnuplot string literal.
std::string GnuplotQuoted(const std::filesystem::path& path);

// Runs `script_for(staging)` (a script whose output is the PNG at `staging`), then renames the
// picture to `png`: like every other output, a plot appears whole or not at all.
template <typename ScriptFor>
bool PlotPng(const std::filesystem::path& png, ScriptFor script_for) {
  const std::filesystem::path staging = png.string() + ".tmp.png";
  if (!RunGnuplot(script_for(GnuplotQuoted(staging)))) {
    std::filesystem::remove(staging);
    return false;
  }
  std::filesystem::rename(staging, png);
  return true;
}

}  // namespace powersel
