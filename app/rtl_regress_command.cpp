// powersel rtl-regress: bit-exact regression of the array with toggle counts.
#include <fmt/core.h>

#include "command.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/common/idx.hpp"
#include "powersel/tb/regression.hpp"
#include "powersel/tb/serialize.hpp"

namespace powersel::app {

namespace {

struct RtlRegressOptions {
  CommonOptions common;
  int rows = 8;
  int cols = 8;
  int random_tiles = 100;
  int conv_tiles = 20;
  std::filesystem::path images = kFashionMnistTestImages;
  std::filesystem::path trace;
  bool low_power_pe = false;
};

int Run(const RtlRegressOptions& options) {
  const tb::ArrayShape shape{options.rows, options.cols};
  tb::CheckHarnessOptions(
      {.shape = shape, .trace_file = options.trace, .low_power_pe = options.low_power_pe});
  const int images_needed = tb::ConvImagesFor(options.conv_tiles, shape);
  const auto images = images_needed > 0 ? ReadIdxImages(options.images, images_needed)
                                        : std::vector<Matrix<std::uint8_t>>{};
  tb::CheckRegressionImages(images, options.images);
  EnsureOutputDirectory(options.common.out, "--out");
  const tb::RegressionResult result =
      tb::RunRegression({shape, options.random_tiles, options.conv_tiles, options.common.seed,
                         options.common.threads, options.trace, options.low_power_pe},
                        images);

  tb::WriteRegressionFiles(options.common.out, "rtl-regress", result);
  const nlohmann::json summary = tb::ToJson(result);

  fmt::print("rtl-regress {}x{}: {} ({} random + {} conv tiles from {} images, {} mismatches)\n",
             shape.rows, shape.cols, result.passed() ? "PASS" : "FAIL", result.random_tiles,
             result.conv_tiles, result.conv_images, result.mismatches + result.conv_mismatches);
  fmt::print("  {} cycles, {} MACs, {:.1f} s\n", result.cycles, result.macs, result.seconds);
  fmt::print("  toggles:");
  for (const auto& [name, count] : summary["toggles"].items()) {
    fmt::print(" {}={}", name, count.get<std::uint64_t>());
  }
  fmt::print("\n  wrote {}\n", (options.common.out / "rtl-regress.json").string());
  return result.passed() ? 0 : 1;
}

}  // namespace

void AddRtlRegressCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<RtlRegressOptions>();
  CLI::App* command = app.add_subcommand(
      "rtl-regress", "Check the array bit-exact on random and convolution tiles; count toggles");
  AddCommonOptions(*command, options->common);
  command->add_option("--rows", options->rows, "Array rows")
      ->check(CLI::Range(1, kMaxArraySide))
      ->capture_default_str();
  command->add_option("--cols", options->cols, "Array columns")
      ->check(CLI::Range(1, kMaxArraySide))
      ->capture_default_str();
  command->add_option("--random-tiles", options->random_tiles, "Random weight tiles")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command
      ->add_option("--conv-tiles", options->conv_tiles,
                   "Convolution tiles from real images (rounded up to whole images)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command->add_option("--images", options->images, "IDX image file for convolution tiles")
      ->capture_default_str();
  command->add_option("--trace", options->trace, "FST waveform file (one per shard)");
  command->add_flag(
      "--low-power-pe", options->low_power_pe,
      "The low-power array (operand isolation, sign-magnitude, clock gating, idle columns off)");
  command->callback([options, &exit_status] { exit_status = Run(*options); });
}

}  // namespace powersel::app
