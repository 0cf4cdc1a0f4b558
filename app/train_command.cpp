// powersel train: float training, 8-bit QAT, export and integer-engine accuracy.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "powersel/common/files.hpp"
#include "powersel/power/run.hpp"
#include "powersel/qat/train.hpp"

namespace powersel::app {

namespace {

struct TrainOptions {
  CommonOptions common;
  std::filesystem::path config;
};

int Run(const TrainOptions& options, const CLI::App& command) {
  const power::RunSpec run = ResolveRunSpec(options.config, options.common, command);
  const qat::TrainSpec& spec = run.train;
  EnsureOutputDirectory(options.common.out, "--out");
  WriteFileAtomically(options.common.out / "config.yaml", power::DumpRunSpec(run));
  const qat::TrainResult result = qat::Train(spec, options.common.out);
  if (!result.complete) {
    fmt::print("train: stopped after {} epochs (max_epochs_this_run); run again to resume\n",
               result.epochs.size());
    return 0;
  }
  WriteJsonAtomically(options.common.out / "train.json", qat::ToJson(result));
  fmt::print(
      "train {} on {}{}: float {:.2f}%, QAT int8 {:.2f}%, integer engine {:.2f}% "
      "({} test images, {:.0f} s)\n",
      result.model, result.dataset, result.resumed ? " (resumed)" : "", 100 * result.float_top1,
      100 * result.qat_top1, 100 * result.int_top1, result.test_images, result.seconds);
  fmt::print("  {} test images through the 16x16 RTL array: {} mismatches\n",
             result.rtl_check_images, result.rtl_check_mismatches);
  fmt::print("  wrote {} and {}\n", (options.common.out / "train.json").string(),
             result.network.string());
  return result.rtl_check_mismatches == 0 ? 0 : 1;
}

}  // namespace

void AddTrainCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* command = app.add_subcommand(
      "train", "Train in float, fine-tune with 8-bit QAT, export the integer network");
  AddCommonOptions(*command, options->common);
  options->common.out = "runs/train";
  command
      ->add_option("--config", options->config,
                   "YAML configuration (its train: section; default: embedded)")
      ->check(CLI::ExistingFile);
  command->callback([options, command, &exit_status] { exit_status = Run(*options, *command); });
}

}  // namespace powersel::app
