// powersel: one CLI over the stages. Parses, dispatches, and maps outcomes to exit codes in
// one place: 0 success, 1 a failed check, 2 bad input.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "command.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/parallel.hpp"

namespace powersel::app {

void AddCommonOptions(CLI::App& command, CommonOptions& options) {
  options.threads = DefaultThreads();
  command.add_option("--out", options.out, "Output directory")->capture_default_str();
  command.add_option("--seed", options.seed, "Random seed")->capture_default_str();
  command.add_option("--threads", options.threads, "Worker threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
}

void AddRunDirOptions(CLI::App& command, CommonOptions& common, std::filesystem::path& run,
                      std::filesystem::path& out, const std::string& run_help) {
  common.threads = DefaultThreads();
  command.add_option("--seed", common.seed, "Random seed")->capture_default_str();
  command.add_option("--threads", common.threads, "Worker threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command.add_option("--run", run, run_help)->required();
  command.add_option("--out", out, "Output directory (default: the run directory)");
}

flow::RunSpec RunSpecOfDir(const std::filesystem::path& run) {
  const std::filesystem::path config = run / "config.yaml";
  return std::filesystem::exists(config) ? flow::LoadRunSpec(config) : flow::DefaultRunSpec();
}

void AddPeOption(CLI::App& command, std::string& pe) {
  std::vector<std::string> names;
  for (const auto& [name, features] : power::PeFeatureSets()) {
    names.push_back(name);
  }
  command
      .add_option("--pe", pe,
                  "The PE: plain, or with low-power features (zero-weight-isolation, "
                  "sign-magnitude, zero-activation-isolation, clock-gating, idle-column-gating: "
                  "clock gating and idle columns off, low-power: all five)")
      ->check(CLI::IsMember(names))
      ->capture_default_str();
}

power::PeFeatures PeFeaturesNamed(const std::string& name) {
  for (const auto& [set_name, features] : power::PeFeatureSets()) {
    if (set_name == name) {
      return features;
    }
  }
  throw InputError("", "--pe",
                   "expected plain, zero-weight-isolation, sign-magnitude, "
                   "zero-activation-isolation, clock-gating, idle-column-gating or low-power");
}

flow::RunSpec ResolveRunSpec(const std::filesystem::path& config, const CommonOptions& options,
                             const CLI::App& command) {
  flow::RunSpec spec = config.empty() ? flow::DefaultRunSpec() : flow::LoadRunSpec(config);
  if (command.count("--seed") > 0) {
    flow::OverrideSeed(spec, options.seed);
  }
  if (command.count("--threads") > 0 || config.empty()) {
    flow::OverrideThreads(spec, options.threads);
  }
  return spec;
}

}  // namespace powersel::app

int main(int argc, char** argv) {
  constexpr int kExitCheckFailed = 1;
  constexpr int kExitBadInput = 2;
  CLI::App app{"powersel: energy-aware weight selection verified on a systolic-array RTL"};
  app.require_subcommand(1);
  int exit_status = 0;
  powersel::app::AddRtlRegressCommand(app, exit_status);
  powersel::app::AddBenchRtlCommand(app, exit_status);
  powersel::app::AddCharacterizeCommand(app, exit_status);
  powersel::app::AddBenchGatesCommand(app, exit_status);
  powersel::app::AddTrainCommand(app, exit_status);
  powersel::app::AddBenchQatCommand(app, exit_status);
  powersel::app::AddCaptureCommand(app, exit_status);
  powersel::app::AddCorrelateCommand(app, exit_status);
  powersel::app::AddCompressCommand(app, exit_status);
  powersel::app::AddReplayCommand(app, exit_status);
  powersel::app::AddCodesignCommand(app, exit_status);
  powersel::app::AddImportMnistCommand(app, exit_status);
  powersel::app::AddRunCommand(app, exit_status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    fmt::print(stderr, "powersel: {}\n", error.what());
    return kExitBadInput;
  } catch (const powersel::InputError& error) {
    fmt::print(stderr, "powersel: {}\n", error.what());
    return kExitBadInput;
  } catch (const powersel::CheckFailure& error) {
    fmt::print(stderr, "powersel: check failed: {}\n", error.what());
    return kExitCheckFailed;
  } catch (const std::exception& error) {
    fmt::print(stderr, "powersel: internal error: {}\n", error.what());
    return kExitCheckFailed;
  }
  return exit_status;
}
