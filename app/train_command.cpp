// powersel train: float training, 8-bit QAT, export and integer-engine accuracy.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "powersel/flow/run.hpp"
#include "powersel/qat/train.hpp"

namespace powersel::app {

namespace {

struct TrainOptions {
  CommonOptions common;
  std::filesystem::path config;
};

int Run(const TrainOptions& options, const CLI::App& command) {
  const flow::RunSpec run = ResolveRunSpec(options.config, options.common, command);
  const flow::TrainStep step = flow::TrainAndCheck(run, options.common.out);
  const qat::TrainResult& result = step.training;
  if (!result.complete) {
    fmt::print("train: stopped after {} epochs (max_epochs_this_run); run again to resume\n",
               result.epochs.size());
    return 0;
  }
  fmt::print(
      "train {} on {}{}: float {:.2f}%, QAT int8 {:.2f}%, integer engine {:.2f}% "
      "({} test images, {} top-1 disagreements, {:.0f} s)\n",
      result.model, result.dataset, result.resumed ? " (resumed)" : "", 100 * result.float_top1,
      100 * result.qat_top1, 100 * result.int_top1, result.test_images, result.int_disagreements,
      result.seconds);
  if (step.rtl_check) {
    fmt::print("  {} test images through the {}x{} RTL array: {} mismatches\n",
               step.rtl_check->images, step.rtl_check->array.rows, step.rtl_check->array.cols,
               step.rtl_check->mismatches);
  }
  fmt::print("  wrote {} and {}\n", (options.common.out / "train.json").string(),
             result.network.string());
  return step.passed() ? 0 : 1;
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
