#include "powersel/power/run.hpp"

#include <fmt/format.h>

#include "powersel/common/files.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/power/plot.hpp"
#include "powersel/power/report.hpp"
#include "powersel/tb/regression.hpp"
#include "powersel/tb/serialize.hpp"

namespace powersel::power {

namespace {

std::string Stem(tb::ArrayShape shape, bool main_array) {
  return main_array ? std::string("rtl-regress")
                    : fmt::format("rtl-regress-{}x{}", shape.rows, shape.cols);
}

void ReportRegressions(Report& report, const std::vector<tb::RegressionResult>& results,
                       const std::vector<std::string>& heatmaps) {
  report.Heading("RTL regression");
  report.Paragraph(
      "Random tiles (uniform, partial, extreme values, full 22-bit accumulation, wrap-around, "
      "sparse) and convolution tiles of real Fashion-MNIST images, each checked bit-exact "
      "against the C++ integer reference; convolutions also against a direct convolution.");
  std::vector<std::vector<std::string>> rows;
  for (const tb::RegressionResult& r : results) {
    rows.push_back({fmt::format("{}x{}", r.shape.rows, r.shape.cols),
                    std::to_string(r.random_tiles), std::to_string(r.conv_tiles),
                    std::to_string(r.mismatches + r.conv_mismatches), std::to_string(r.cycles),
                    std::to_string(r.macs), r.passed() ? "pass" : "FAIL"});
  }
  report.Table({"array", "random tiles", "conv tiles", "mismatches", "cycles", "MACs", "result"},
               rows);

  report.Heading("Toggle counts per signal class");
  std::vector<std::string> header = {"array"};
  for (const auto name : tb::kPeSignalNames) {
    header.emplace_back(name);
  }
  for (const auto name : tb::kEdgeSignalNames) {
    header.emplace_back(name);
  }
  std::vector<std::vector<std::string>> toggle_rows;
  for (const tb::RegressionResult& r : results) {
    std::vector<std::string> row = {fmt::format("{}x{}", r.shape.rows, r.shape.cols)};
    for (int s = 0; s < tb::kPeSignalCount; ++s) {
      row.push_back(std::to_string(r.toggles.Total(static_cast<tb::PeSignal>(s))));
    }
    for (int e = 0; e < tb::kEdgeSignalCount; ++e) {
      row.push_back(std::to_string(r.toggles.Total(static_cast<tb::EdgeSignal>(e))));
    }
    toggle_rows.push_back(row);
  }
  report.Table(header, toggle_rows);
  for (const std::string& heatmap : heatmaps) {
    report.Image(heatmap, "Toggles per PE over the whole regression (" + heatmap + ")");
  }
}

}  // namespace

RunOutcome RunPipeline(const RunSpec& spec, const std::filesystem::path& out) {
  EnsureOutputDirectory(out, "--out");
  WriteFileAtomically(out / "config.yaml", DumpRunSpec(spec));
  RunOutcome outcome;

  std::vector<tb::ArrayShape> shapes = {spec.array};
  for (const int size : spec.rtl_regress.extra_sizes) {
    if (tb::ArrayShape{size, size} != spec.array) {
      shapes.push_back({size, size});
    }
  }
  int most_images = 0;
  for (const tb::ArrayShape& shape : shapes) {
    most_images = std::max(most_images, tb::ConvImagesFor(spec.rtl_regress.conv_tiles, shape));
  }
  const auto images = ReadIdxImages(kFashionMnistDir / "t10k-images-idx3-ubyte.gz", most_images);

  std::vector<tb::RegressionResult> results;
  std::vector<std::string> heatmaps;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const tb::RegressionResult result = tb::RunRegression({shapes[i],
                                                           spec.rtl_regress.random_tiles,
                                                           spec.rtl_regress.conv_tiles,
                                                           spec.seed,
                                                           spec.threads,
                                                           {}},
                                                          images);
    const std::string stem = Stem(shapes[i], i == 0);
    tb::WriteRegressionFiles(out, stem, result);
    if (PlotToggleHeatmap(out / (stem + "_toggles.csv"), out / (stem + "_toggles.png"),
                          fmt::format("toggles per PE, {}x{}", shapes[i].rows, shapes[i].cols))) {
      heatmaps.push_back(stem + "_toggles.png");
    }
    if (!result.passed()) {
      outcome.passed = false;
      outcome.failures.push_back(fmt::format("rtl-regress {}x{}: {} mismatches", shapes[i].rows,
                                             shapes[i].cols,
                                             result.mismatches + result.conv_mismatches));
    }
    results.push_back(result);
  }

  Report report("powersel run");
  report.Paragraph(fmt::format("Array {}x{}, seed {}. Configuration: config.yaml.", spec.array.rows,
                               spec.array.cols, spec.seed));
  ReportRegressions(report, results, heatmaps);
  WriteFileAtomically(out / "report.md", report.Markdown());
  WriteFileAtomically(out / "report.html", report.Html());
  return outcome;
}

}  // namespace powersel::power
