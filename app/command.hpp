// What every subcommand shares: the common options and the registration signature.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>

#include "powersel/flow/run.hpp"
#include "powersel/power/synth.hpp"

namespace powersel::app {

// The largest array side a flag accepts; which sizes exist is the build's (tb::AvailableShapes).
inline constexpr int kMaxArraySide = 1024;

struct CommonOptions {
  std::filesystem::path out = "out";
  std::uint64_t seed = 1;
  int threads = 1;
};

// --out, --seed and --threads on `command`.
void AddCommonOptions(CLI::App& command, CommonOptions& options);

// The options of a command that works on a run directory: --run (required; `run_help` says
// what it must hold), --out (empty: the run directory), --seed and --threads (default: all
// hardware threads).
void AddRunDirOptions(CLI::App& command, CommonOptions& common, std::filesystem::path& run,
                      std::filesystem::path& out, const std::string& run_help);
// The run directory's configuration (config.yaml), or the embedded default without one.
flow::RunSpec RunSpecOfDir(const std::filesystem::path& run);

// --pe on `command` (the names of power::PeFeatureSets) and its features.
void AddPeOption(CLI::App& command, std::string& pe);
power::PeFeatures PeFeaturesNamed(const std::string& name);

// The run configuration from `config` (or the embedded default), with --seed and --threads
// from the command line applied over it when given (threads always, without a file).
flow::RunSpec ResolveRunSpec(const std::filesystem::path& config, const CommonOptions& options,
                             const CLI::App& command);

// Each subcommand adds itself to `app`; its callback stores the process exit status
// (0 success, 1 a failed check) in `exit_status`.
void AddRtlRegressCommand(CLI::App& app, int& exit_status);
void AddBenchRtlCommand(CLI::App& app, int& exit_status);
void AddRunCommand(CLI::App& app, int& exit_status);
void AddTrainCommand(CLI::App& app, int& exit_status);
void AddBenchQatCommand(CLI::App& app, int& exit_status);
void AddImportMnistCommand(CLI::App& app, int& exit_status);
void AddCaptureCommand(CLI::App& app, int& exit_status);
void AddCharacterizeCommand(CLI::App& app, int& exit_status);
void AddBenchGatesCommand(CLI::App& app, int& exit_status);
void AddCorrelateCommand(CLI::App& app, int& exit_status);
void AddCompressCommand(CLI::App& app, int& exit_status);
void AddReplayCommand(CLI::App& app, int& exit_status);
void AddCodesignCommand(CLI::App& app, int& exit_status);

}  // namespace powersel::app
