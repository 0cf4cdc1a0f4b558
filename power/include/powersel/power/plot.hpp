// Plots through Debian's gnuplot: PNG files next to the data they show.
#pragma once

#include <filesystem>
#include <string>

namespace powersel::power {

// Runs a gnuplot script; returns false (and says why on stderr) if gnuplot is missing or
// fails, so that a report can go on without the picture.
bool RunGnuplot(const std::string& script);

// A per-PE heat map from a toggle CSV (row, col, ..., total) into a PNG.
bool PlotToggleHeatmap(const std::filesystem::path& csv, const std::filesystem::path& png,
                       const std::string& title);

}  // namespace powersel::power
