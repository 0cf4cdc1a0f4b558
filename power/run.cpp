#include "powersel/power/run.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "powersel/common/files.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/power/characterize.hpp"
#include "powersel/power/plot.hpp"
#include "powersel/tb/regression.hpp"
#include "powersel/tb/serialize.hpp"
#include "run_report.hpp"

namespace powersel::power {

namespace {

std::vector<RegressionOutcome> RegressArrays(const RunSpec& spec, const std::filesystem::path& out,
                                             RunOutcome& outcome) {
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
  std::vector<RegressionOutcome> results;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const tb::RegressionResult result = tb::RunRegression({shapes[i],
                                                           spec.rtl_regress.random_tiles,
                                                           spec.rtl_regress.conv_tiles,
                                                           spec.seed,
                                                           spec.threads,
                                                           {}},
                                                          images);
    const std::string stem = i == 0
                                 ? std::string("rtl-regress")
                                 : fmt::format("rtl-regress-{}x{}", shapes[i].rows, shapes[i].cols);
    tb::WriteRegressionFiles(out, stem, result);
    std::string heatmap;
    if (PlotToggleHeatmap(out / (stem + "_toggles.csv"), out / (stem + "_toggles.png"),
                          fmt::format("toggles per PE, {}x{}", shapes[i].rows, shapes[i].cols))) {
      heatmap = stem + "_toggles.png";
    }
    if (!result.passed()) {
      outcome.passed = false;
      outcome.failures.push_back(fmt::format("rtl-regress {}x{}: {} mismatches", shapes[i].rows,
                                             shapes[i].cols,
                                             result.mismatches + result.conv_mismatches));
    }
    results.push_back({result, heatmap});
  }
  return results;
}

CharacterizeResult CharacterizeGates(const RunSpec& spec, const std::filesystem::path& out,
                                     RunOutcome& outcome) {
  CharacterizeSpec characterize;
  characterize.liberty = spec.characterize.liberty;
  characterize.cycles = spec.characterize.cycles;
  characterize.seed = spec.seed;
  characterize.threads = spec.threads;
  CharacterizeResult result = CharacterizeLibrary(characterize, out);
  if (!result.passed()) {
    outcome.passed = false;
    outcome.failures.push_back("characterize: equivalence or sanity check failed");
  }
  return result;
}

}  // namespace

RunOutcome RunPipeline(const RunSpec& spec, const std::filesystem::path& out) {
  EnsureOutputDirectory(out, "--out");
  WriteFileAtomically(out / "config.yaml", DumpRunSpec(spec));
  RunOutcome outcome;
  const std::vector<RegressionOutcome> regressions = RegressArrays(spec, out, outcome);
  const CharacterizeResult characterization = CharacterizeGates(spec, out, outcome);
  const qat::TrainResult training = qat::Train(spec.train, out);
  WriteJsonAtomically(out / "train.json", qat::ToJson(training));

  Report report("powersel run");
  report.Paragraph(fmt::format("Array {}x{}, seed {}. Configuration: config.yaml.", spec.array.rows,
                               spec.array.cols, spec.seed));
  ReportRegressions(report, regressions);
  ReportCharacterization(report, characterization);
  ReportTraining(report, training);
  WriteFileAtomically(out / "report.md", report.Markdown());
  WriteFileAtomically(out / "report.html", report.Html());
  return outcome;
}

}  // namespace powersel::power
