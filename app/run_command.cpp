// powersel run: the whole loop from a YAML configuration (or the embedded default).
#include <fmt/core.h>

#include "command.hpp"
#include "powersel/flow/run.hpp"

namespace powersel::app {

namespace {

struct RunOptions {
  CommonOptions common;
  std::filesystem::path config;
};

int Run(const RunOptions& options, const CLI::App& command) {
  const flow::RunSpec spec = ResolveRunSpec(options.config, options.common, command);
  const flow::RunOutcome outcome = flow::RunPipeline(spec, options.common.out);
  for (const std::string& failure : outcome.failures) {
    fmt::print("FAIL: {}\n", failure);
  }
  fmt::print("run {}: report in {}\n", outcome.passed ? "passed" : "FAILED",
             (options.common.out / "report.md").string());
  return outcome.passed ? 0 : 1;
}

}  // namespace

void AddRunCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command =
      app.add_subcommand("run", "Run the whole loop from a YAML config into one run directory");
  AddCommonOptions(*command, options->common);
  options->common.out = "runs/default";
  command->add_option("config", options->config, "YAML configuration (default: embedded)")
      ->check(CLI::ExistingFile);
  command->callback([options, command, &exit_status] { exit_status = Run(*options, *command); });
}

}  // namespace powersel::app
