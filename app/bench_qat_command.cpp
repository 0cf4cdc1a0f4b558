// powersel bench-qat: QAT training images per second (the C++ side of scripts/bench_qat.sh).
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "powersel/common/errors.hpp"
#include "powersel/common/files.hpp"
#include "powersel/qat/bench.hpp"

namespace powersel::app {

namespace {

struct BenchQatOptions {
  CommonOptions common;
  std::string model = "lenet5";
  int batch = 64;
  int steps = 50;
  int warmup = 5;
};

}  // namespace

void AddBenchQatCommand(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<BenchQatOptions>();
  CLI::App* command =
      app.add_subcommand("bench-qat", "Training images per second, float and 8-bit QAT");
  AddCommonOptions(*command, options->common);
  command->add_option("--model", options->model, "lenet5 or vgg-small")
      ->check(CLI::IsMember({"lenet5", "vgg-small"}))
      ->capture_default_str();
  command->add_option("--batch", options->batch, "Batch size")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  command->add_option("--steps", options->steps, "Timed training steps")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  command->callback([options, &exit_status] {
    EnsureOutputDirectory(options->common.out, "--out");
    const qat::ModelKind model =
        options->model == "lenet5" ? qat::ModelKind::kLeNet5 : qat::ModelKind::kSmallVgg;
    const qat::QatBenchResult result =
        qat::BenchmarkTraining(model, options->batch, options->steps, options->warmup,
                               options->common.threads, options->common.seed);
    fmt::print(
        "bench-qat {} (C++ LibTorch, batch {}, {} threads): float {:.0f} images/s, "
        "QAT {:.0f} images/s\n",
        options->model, options->batch, options->common.threads, result.float_images_per_s,
        result.qat_images_per_s);
    WriteJsonAtomically(options->common.out / "bench-qat.json",
                        {{"model", options->model},
                         {"batch", options->batch},
                         {"threads", options->common.threads},
                         {"steps", options->steps},
                         {"float_images_per_s", result.float_images_per_s},
                         {"qat_images_per_s", result.qat_images_per_s}});
    exit_status = 0;
  });
}

}  // namespace powersel::app
